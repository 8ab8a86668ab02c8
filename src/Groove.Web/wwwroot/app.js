// Groove web app: upload, live progress (server-sent events), waveform with beats, WebAudio playback with clicks.
'use strict';

const $ = (id) => document.getElementById(id);
const ui = {
  upload: $('upload'), file: $('file'), limits: $('limits'), uploadError: $('upload-error'),
  progress: $('progress'), progressName: $('progress-name'), progressStage: $('progress-stage'), progressBar: $('progress-bar'),
  result: $('result'), songName: $('song-name'), newSong: $('new-song'),
  tempo: $('tempo'), key: $('key'), beatCount: $('beat-count'), duration: $('duration'),
  wave: $('wave'), zoomIn: $('zoom-in'), zoomOut: $('zoom-out'), zoomFit: $('zoom-fit'),
  play: $('play'), clock: $('clock'), clicksOn: $('clicks-on'), clickVolume: $('click-volume'), clickVolumeOut: $('click-volume-out'),
  accentOn: $('accent-on'), accentGain: $('accent-gain'), accentGainOut: $('accent-gain-out'),
  dlWav: $('dl-wav'), dlBeats: $('dl-beats'), dlJson: $('dl-json'), warnings: $('warnings'),
};

// Click sound, the same as the server's ClickTrackRenderer: a decaying sine burst.
const CLICK = { freq: 1500, accentFreq: 2500, decay: 0.008, length: 0.056 };
const MIN_SPAN = 0.25; // seconds visible at the deepest zoom

const state = {
  config: { maxUploadBytes: 100 * 1024 * 1024 },
  jobId: null, events: null, result: null, peaks: null,
  audio: null, mono: null, ctx: null,
  view: { start: 0, span: 1 },
  play: null,      // { source, startAt (ctx time), offset (song time), next (beat index), timer }
  position: 0,     // song time when paused
};

// ---------- helpers ----------
function formatTime(t, precise) {
  if (!isFinite(t) || t < 0) t = 0;
  const m = Math.floor(t / 60), s = t - m * 60;
  return precise ? `${m}:${s.toFixed(1).padStart(4, '0')}` : `${m}:${Math.floor(s).toString().padStart(2, '0')}`;
}
function formatDb(v, plusSign) {
  const n = Number(v);
  return `${n > 0 && plusSign ? '+' : n < 0 ? '−' : ''}${Math.abs(n)} dB`;
}
function show(section) {
  for (const s of [ui.upload, ui.progress, ui.result]) s.hidden = s !== section;
  $('features').hidden = section !== ui.upload;
}
function showUploadError(message) {
  show(ui.upload);
  ui.uploadError.textContent = message;
  ui.uploadError.hidden = !message;
}
async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && body.error) return body.error;
  } catch { /* not JSON */ }
  return `The server answered ${response.status} ${response.statusText}.`;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------- upload ----------
async function loadConfig() {
  try {
    const r = await fetch('/api/config');
    if (r.ok) state.config = await r.json();
  } catch { /* keep defaults */ }
  const mb = state.config.maxUploadBytes / (1024 * 1024);
  ui.limits.textContent = `${state.config.formats || 'WAV, MP3, FLAC, Ogg, M4A, AAC or AIFF'} · up to ${Math.round(mb * 10) / 10} MB`;
}

/** The file's duration in seconds as the browser reads it, or 0 when it cannot tell (within 3 s). */
function mediaDuration(file) {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const audio = new Audio();
    const done = (value) => { clearTimeout(timer); URL.revokeObjectURL(url); audio.removeAttribute('src'); resolve(value); };
    const timer = setTimeout(() => done(0), 3000);
    audio.preload = 'metadata';
    audio.onloadedmetadata = () => done(Number.isFinite(audio.duration) ? audio.duration : 0);
    audio.onerror = () => done(0);
    audio.src = url;
  });
}

/** "3:05" or "1:02:03". */
function durationText(seconds) {
  const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

async function upload(file) {
  if (!file) return;
  stopPlayback();
  if (file.size === 0) return showUploadError(`${file.name}: the file is empty.`);
  if (file.size > state.config.maxUploadBytes) {
    return showUploadError(`${file.name}: the file is larger than the ${Math.round(state.config.maxUploadBytes / 1048576)} MB upload limit.`);
  }
  // A song longer than the server analyses is refused before it is sent (the server checks again).
  const seconds = await mediaDuration(file);
  if (state.config.maxDurationSeconds && seconds > state.config.maxDurationSeconds) {
    return showUploadError(`${file.name}: the song is ${durationText(seconds)} long; this server analyses songs up to ${durationText(state.config.maxDurationSeconds)}.`);
  }
  show(ui.progress);
  ui.progressName.textContent = file.name;
  setProgress(0, 'Uploading');
  for (let attempt = 0; ; attempt++) {
    const form = new FormData();
    form.append('file', file, file.name);
    let response;
    try {
      response = await post('/api/jobs', form, (sent) => setProgress(sent, 'Uploading'));
    } catch {
      return showUploadError('The upload failed: the server could not be reached.');
    }
    if (response.status === 503 && attempt < 60) {
      const wait = Math.min(30, Number(response.retryAfter) || 5);
      setProgress(0, `Server busy, retrying in ${wait} s`);
      await sleep(wait * 1000);
      continue;
    }
    if (response.status !== 202) {
      return showUploadError(response.json && response.json.error ? response.json.error : `The server answered ${response.status}.`);
    }
    setProgress(0, 'Queued');
    const job = response.json;
    location.hash = `job=${job.id}`;
    follow(job.id);
    return;
  }
}

// XMLHttpRequest rather than fetch: it reports upload progress, which matters for large files on slow links.
function post(url, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let json = null;
      try { json = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      resolve({ status: xhr.status, retryAfter: xhr.getResponseHeader('Retry-After'), json });
    };
    xhr.onerror = () => reject(new Error('network error'));
    xhr.send(body);
  });
}

function setProgress(fraction, stage) {
  ui.progressBar.style.width = `${Math.round(fraction * 100)}%`;
  ui.progressBar.parentElement.setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
  ui.progressStage.textContent = stage + (fraction > 0 && fraction < 1 ? ` · ${Math.round(fraction * 100)}%` : '');
}

// ---------- progress via server-sent events ----------
function follow(id) {
  if (state.events) state.events.close();
  state.jobId = id;
  show(ui.progress);
  const es = new EventSource(`/api/jobs/${id}/events`);
  state.events = es;
  es.addEventListener('status', (e) => {
    const s = JSON.parse(e.data);
    ui.progressName.textContent = s.name;
    setProgress(s.progress, s.stage);
    if (s.state === 'done') { es.close(); loadResult(id); }
    else if (s.state === 'failed') { es.close(); location.hash = ''; showUploadError(s.error || 'The analysis failed.'); }
  });
  es.onerror = async () => {
    if (es.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    const r = await fetch(`/api/jobs/${id}`);
    if (r.status === 404) { location.hash = ''; showUploadError('This job no longer exists (jobs are deleted after a day).'); }
  };
}

// ---------- result ----------
async function loadResult(id) {
  const [r, w] = await Promise.all([fetch(`/api/jobs/${id}/result`), fetch(`/api/jobs/${id}/waveform`)]);
  if (!r.ok || !w.ok) return showUploadError(await errorMessage(r.ok ? w : r));
  const result = await r.json();
  state.result = result;
  state.peaks = await w.json();
  state.audio = null; state.mono = null; state.position = 0; barCount = -1;
  ui.songName.textContent = result.file;
  ui.tempo.textContent = result.tempo > 0 ? result.tempo.toFixed(1) : '–';
  ui.key.textContent = result.key || '–';
  ui.key.title = result.key ? `estimated by ${result.keyEstimator}` : 'no key estimator on this server';
  $('key-confidence').textContent = result.key && result.key !== 'no key' && result.keyConfidence != null ? `${Math.round(result.keyConfidence * 100)}% sure` : '';
  $('key-confidence').title = 'How likely this key is right: a probability calibrated on rendered key-labelled music (a rough guide on recordings)';
  ui.beatCount.textContent = String(result.beats.length);
  ui.duration.textContent = formatTime(result.duration);
  ui.dlBeats.href = `/api/jobs/${id}/beats`;
  ui.dlJson.href = `/api/jobs/${id}/result?download=1`;
  updateWavLink();
  ui.warnings.hidden = !(result.warnings && result.warnings.length);
  ui.warnings.textContent = (result.warnings || []).join(' · ');
  show(ui.result);
  state.view = { start: 0, span: result.duration };
  resizeCanvas();
  updateClock();
  loadAudio(id);
  loadSimilar(id);
}

// ---------- library search (groove serve --index LIB) ----------
async function loadSimilar(id) {
  const box = $('similar'), list = $('similar-list'), status = $('similar-status');
  box.hidden = !state.config.library;
  if (!state.config.library) return;
  list.replaceChildren();
  status.textContent = 'Searching the library…';
  const r = await fetch(`/api/jobs/${id}/similar?k=5`);
  if (!r.ok) { status.textContent = await errorMessage(r); return; }
  const answer = await r.json();
  for (const hit of answer.results) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = hit.name;
    name.title = hit.path;
    const score = document.createElement('span');
    score.className = 'score';
    score.textContent = hit.cosine.toFixed(3);
    score.title = 'cosine similarity of the embeddings';
    li.append(name, score);
    list.append(li);
  }
  status.textContent = answer.results.length ? `model ${answer.model}` : 'The library is empty.';
}

async function loadAudio(id) {
  ui.play.disabled = true;
  ui.play.textContent = 'Loading audio…';
  try {
    state.ctx = state.ctx || new AudioContext();
    let audio;
    try {
      audio = await state.ctx.decodeAudioData(await (await fetch(`/api/jobs/${id}/audio`)).arrayBuffer());
    } catch {
      // This browser cannot decode the upload's format: the server decodes it to WAV instead.
      audio = await state.ctx.decodeAudioData(await (await fetch(`/api/jobs/${id}/audio.wav`)).arrayBuffer());
    }
    if (state.jobId !== id) return;
    state.audio = audio;
    state.mono = mixToMono(audio);
    ui.play.disabled = false;
    ui.play.textContent = '▶ Play';
    draw();
  } catch {
    ui.play.textContent = 'Playback unavailable';
  }
}

function mixToMono(audio) {
  const out = new Float32Array(audio.length);
  for (let c = 0; c < audio.numberOfChannels; c++) {
    const ch = audio.getChannelData(c);
    for (let i = 0; i < ch.length; i++) out[i] += ch[i];
  }
  if (audio.numberOfChannels > 1) for (let i = 0; i < out.length; i++) out[i] /= audio.numberOfChannels;
  return out;
}

function updateWavLink() {
  if (!state.jobId) return;
  const q = new URLSearchParams({
    gain: ui.clickVolume.value, accent: ui.accentOn.checked ? '1' : '0', accentGain: ui.accentGain.value,
  });
  ui.dlWav.href = `/api/jobs/${state.jobId}/clicked.wav?${q}`;
}

// ---------- waveform ----------
function resizeCanvas() {
  const dpr = window.devicePixelRatio || 1;
  const rect = ui.wave.getBoundingClientRect();
  ui.wave.width = Math.max(1, Math.round(rect.width * dpr));
  ui.wave.height = Math.max(1, Math.round(rect.height * dpr));
  draw();
}

function clampView() {
  const d = state.result ? state.result.duration : 1;
  const v = state.view;
  v.span = Math.min(Math.max(v.span, Math.min(MIN_SPAN, d)), d);
  v.start = Math.min(Math.max(v.start, 0), Math.max(0, d - v.span));
}

function zoomAround(factor, anchorTime) {
  const v = state.view;
  const rel = (anchorTime - v.start) / v.span;
  v.span *= factor;
  clampView();
  v.start = anchorTime - rel * v.span;
  clampView();
  draw();
}

function niceStep(secondsPerPixel) {
  const steps = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  for (const s of steps) if (s / secondsPerPixel >= 90) return s;
  return 1200;
}

function draw() {
  const c = ui.wave, g = c.getContext('2d');
  const W = c.width, H = c.height, dpr = window.devicePixelRatio || 1;
  g.clearRect(0, 0, W, H);
  if (!state.result) return;
  const axisH = 24 * dpr, labelH = 16 * dpr;
  const top = labelH, waveH = H - axisH - labelH, mid = top + waveH / 2;
  const { start, span } = state.view;
  const spp = span / W; // seconds per device pixel
  const x = (t) => (t - start) / spp;

  // Background bands for bars (between downbeats), subtle.
  const beats = state.result.beats;
  g.fillStyle = 'rgba(255,255,255,0.025)';
  let bar = 0;
  for (let i = 0; i < beats.length; i++) {
    if (beats[i].beatInBar !== 1) continue;
    bar++;
    if (bar % 2 === 0) continue;
    let j = i + 1;
    while (j < beats.length && beats[j].beatInBar !== 1) j++;
    const t1 = j < beats.length ? beats[j].time : state.result.duration;
    if (t1 < start || beats[i].time > start + span) continue;
    g.fillRect(x(beats[i].time), top, x(t1) - x(beats[i].time), waveH);
  }

  // Centre line and waveform (min/max per pixel column).
  g.fillStyle = 'rgba(148,163,184,0.25)';
  g.fillRect(0, mid, W, Math.max(1, dpr / 2));
  const grad = g.createLinearGradient(0, top, 0, top + waveH);
  grad.addColorStop(0, '#5eead4');
  grad.addColorStop(0.5, '#2dd4bf');
  grad.addColorStop(1, '#0f766e');
  g.fillStyle = grad;
  const amp = waveH / 2 * 0.95;
  const p = state.peaks, bucket = 1 / p.bucketsPerSecond;
  const useSamples = state.mono && spp < bucket * 2;
  const rate = state.audio ? state.audio.sampleRate : 0;
  for (let px = 0; px < W; px++) {
    const t0 = start + px * spp, t1 = t0 + spp;
    let lo = 0, hi = 0;
    if (useSamples) {
      const a = Math.max(0, Math.floor(t0 * rate)), b = Math.min(state.mono.length, Math.max(a + 1, Math.ceil(t1 * rate)));
      lo = Infinity; hi = -Infinity;
      for (let i = a; i < b; i++) { const s = state.mono[i]; if (s < lo) lo = s; if (s > hi) hi = s; }
      if (lo === Infinity) { lo = 0; hi = 0; }
    } else {
      const a = Math.max(0, Math.floor(t0 / bucket)), b = Math.min(p.min.length, Math.max(a + 1, Math.ceil(t1 / bucket)));
      if (a < p.min.length) {
        lo = Infinity; hi = -Infinity;
        for (let i = a; i < b; i++) { if (p.min[i] < lo) lo = p.min[i]; if (p.max[i] > hi) hi = p.max[i]; }
      }
    }
    const y0 = mid - hi * amp, y1 = mid - lo * amp;
    g.fillRect(px, y0, 1, Math.max(1, y1 - y0));
  }

  // Beat markers: downbeats tall, amber and numbered by bar; other beats thin and grey.
  let drawn = 0, drawnDown = 0;
  bar = 0;
  g.font = `${11 * dpr}px system-ui, sans-serif`;
  g.textBaseline = 'top';
  for (const b of beats) {
    if (b.beatInBar === 1) bar++;
    if (b.time < start || b.time > start + span) continue;
    const bx = Math.round(x(b.time));
    drawn++;
    if (b.beatInBar === 1) {
      drawnDown++;
      g.fillStyle = '#fbbf24';
      g.fillRect(bx - dpr, top, 2 * dpr, waveH);
      g.beginPath();
      g.moveTo(bx - 5 * dpr, top); g.lineTo(bx + 5 * dpr, top); g.lineTo(bx, top + 6 * dpr);
      g.fill();
      const label = String(bar);
      if (state.result.duration / Math.max(1, countBars()) / spp > 22 * dpr && bx + 4 * dpr + g.measureText(label).width < W) {
        g.fillText(label, bx + 4 * dpr, 2 * dpr);
      }
    } else {
      g.fillStyle = 'rgba(203,213,225,0.55)';
      g.fillRect(bx, top + waveH * 0.12, Math.max(1, dpr), waveH * 0.76);
    }
  }
  c.dataset.beatMarkers = String(drawn);
  c.dataset.downbeatMarkers = String(drawnDown);

  // Time axis.
  const axisY = H - axisH;
  g.fillStyle = '#11141b';
  g.fillRect(0, axisY, W, axisH);
  g.fillStyle = 'rgba(148,163,184,0.5)';
  g.fillRect(0, axisY, W, Math.max(1, dpr / 2));
  const step = niceStep(spp);
  g.fillStyle = '#8d96a8';
  g.textBaseline = 'middle';
  const first = Math.ceil(start / step - 1e-9);
  for (let k = first, t = k * step; t <= start + span + 1e-9; k++, t = k * step) {
    const tx = Math.round(x(t));
    g.fillRect(tx, axisY, Math.max(1, dpr), 6 * dpr);
    const decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
    const scaled = Math.round(t * 10 ** decimals);
    const frac = decimals ? '.' + (scaled % 10 ** decimals).toString().padStart(decimals, '0') : '';
    const label = formatTime(Math.floor(scaled / 10 ** decimals), false) + frac;
    g.fillText(label, tx + 4 * dpr, axisY + axisH / 2 + 2 * dpr);
  }

  // Play head.
  const now = currentTime();
  if (now >= start && now <= start + span) {
    g.fillStyle = '#ffffff';
    g.fillRect(Math.round(x(now)) - dpr / 2, top - 4 * dpr, Math.max(1, dpr), waveH + 8 * dpr);
  }
}

let barCount = -1;
function countBars() {
  if (barCount < 0 && state.result) barCount = state.result.beats.filter((b) => b.beatInBar === 1).length;
  return barCount;
}

// Wheel zooms around the pointer; horizontal wheel or shift pans; drag pans; click seeks.
ui.wave.addEventListener('wheel', (e) => {
  if (!state.result) return;
  e.preventDefault();
  const rect = ui.wave.getBoundingClientRect();
  const t = state.view.start + (e.clientX - rect.left) / rect.width * state.view.span;
  if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
    state.view.start += (e.deltaX || e.deltaY) / rect.width * state.view.span;
    clampView(); draw();
  } else {
    zoomAround(Math.exp(e.deltaY * 0.0015), t);
  }
}, { passive: false });

let drag = null;
ui.wave.addEventListener('pointerdown', (e) => {
  if (!state.result) return;
  ui.wave.setPointerCapture(e.pointerId);
  drag = { x: e.clientX, start: state.view.start, moved: false };
});
ui.wave.addEventListener('pointermove', (e) => {
  if (!drag) return;
  const rect = ui.wave.getBoundingClientRect();
  const dx = e.clientX - drag.x;
  if (Math.abs(dx) > 3) drag.moved = true;
  if (drag.moved) {
    state.view.start = drag.start - dx / rect.width * state.view.span;
    clampView(); draw();
  }
});
ui.wave.addEventListener('pointerup', (e) => {
  if (!drag) return;
  const rect = ui.wave.getBoundingClientRect();
  if (!drag.moved) seek(state.view.start + (e.clientX - rect.left) / rect.width * state.view.span);
  drag = null;
});

function viewCentre() {
  return state.play ? currentTime() : state.view.start + state.view.span / 2;
}
ui.zoomIn.addEventListener('click', () => zoomAround(0.5, viewCentre()));
ui.zoomOut.addEventListener('click', () => zoomAround(2, viewCentre()));
ui.zoomFit.addEventListener('click', () => { state.view = { start: 0, span: state.result.duration }; draw(); });
window.addEventListener('resize', () => { if (state.result) resizeCanvas(); });

// ---------- playback with clicks (WebAudio, look-ahead scheduling) ----------
function currentTime() {
  if (!state.play) return state.position;
  return Math.min(state.result.duration, state.play.offset + (state.ctx.currentTime - state.play.startAt));
}

function startPlayback(from) {
  if (!state.audio) return;
  const ctx = state.ctx;
  ctx.resume();
  if (!state.master) {
    // A fast compressor as a safety limiter: clicks on a loud song should not clip the output.
    const limiter = ctx.createDynamicsCompressor();
    limiter.threshold.value = -1; limiter.knee.value = 0; limiter.ratio.value = 20;
    limiter.attack.value = 0.002; limiter.release.value = 0.05;
    limiter.connect(ctx.destination);
    state.master = limiter;
  }
  const source = ctx.createBufferSource();
  source.buffer = state.audio;
  source.connect(state.master);
  const startAt = ctx.currentTime + 0.05;
  source.start(startAt, from);
  const beats = state.result.beats;
  let next = 0;
  while (next < beats.length && beats[next].time < from) next++;
  const play = { source, startAt, offset: from, next, timer: 0 };
  source.onended = () => {
    if (state.play !== play) return;
    stopPlayback();
    state.position = 0;
    updateClock(); draw();
  };
  play.timer = setInterval(() => scheduleClicks(play), 25);
  state.play = play;
  scheduleClicks(play);
  ui.play.textContent = '❚❚ Pause';
  requestAnimationFrame(tick);
}

function scheduleClicks(play) {
  const ctx = state.ctx, beats = state.result.beats;
  const horizon = ctx.currentTime + 0.15;
  while (play.next < beats.length) {
    const b = beats[play.next];
    const when = play.startAt + (b.time - play.offset);
    if (when > horizon) break;
    play.next++;
    if (!ui.clicksOn.checked || when < ctx.currentTime - 0.01) continue;
    const accent = ui.accentOn.checked && b.beatInBar === 1;
    const db = Number(ui.clickVolume.value) + (accent ? Number(ui.accentGain.value) : 0);
    playClick(Math.max(when, ctx.currentTime), accent ? CLICK.accentFreq : CLICK.freq, Math.pow(10, db / 20));
  }
}

function playClick(when, freq, peak) {
  const ctx = state.ctx;
  const osc = ctx.createOscillator();
  const env = ctx.createGain();
  osc.frequency.value = Math.min(freq, ctx.sampleRate * 0.45);
  env.gain.setValueAtTime(0, when);
  env.gain.linearRampToValueAtTime(peak, when + 0.0005);
  env.gain.setTargetAtTime(0, when + 0.0005, CLICK.decay);
  osc.connect(env).connect(state.master);
  osc.start(when);
  osc.stop(when + CLICK.length);
}

function stopPlayback() {
  const play = state.play;
  if (!play) return;
  state.position = currentTime();
  state.play = null;
  clearInterval(play.timer);
  try { play.source.stop(); } catch { /* already stopped */ }
  ui.play.textContent = '▶ Play';
}

function seek(t) {
  const d = state.result.duration;
  t = Math.min(Math.max(t, 0), d);
  const playing = !!state.play;
  stopPlayback();
  state.position = t;
  if (playing) startPlayback(t);
  updateClock(); draw();
}

function tick() {
  if (!state.play) return;
  const now = currentTime();
  const v = state.view;
  if (now > v.start + v.span * 0.92 || now < v.start) { v.start = now - v.span * 0.08; clampView(); }
  updateClock(); draw();
  requestAnimationFrame(tick);
}

function updateClock() {
  if (!state.result) return;
  ui.clock.textContent = `${formatTime(currentTime(), true)} / ${formatTime(state.result.duration, true)}`;
}

ui.play.addEventListener('click', () => {
  if (state.play) stopPlayback();
  else startPlayback(state.position >= state.result.duration - 0.05 ? 0 : state.position);
  updateClock(); draw();
});
document.addEventListener('keydown', (e) => {
  if (e.code === 'Space' && !ui.result.hidden && e.target === document.body && !ui.play.disabled) {
    e.preventDefault(); ui.play.click();
  }
});

for (const el of [ui.clickVolume, ui.accentGain, ui.accentOn]) {
  el.addEventListener('input', () => {
    ui.clickVolumeOut.textContent = formatDb(ui.clickVolume.value, false);
    ui.accentGainOut.textContent = formatDb(ui.accentGain.value, true);
    ui.accentGain.disabled = !ui.accentOn.checked;
    updateWavLink();
  });
}

// ---------- drop zone and navigation ----------
ui.upload.addEventListener('click', (e) => { if (e.target === ui.upload || e.target.closest('h1, .drop-icon')) ui.file.click(); });
ui.upload.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); ui.file.click(); } });
ui.file.addEventListener('change', () => { const f = ui.file.files[0]; ui.file.value = ''; upload(f); });
for (const type of ['dragenter', 'dragover']) {
  document.addEventListener(type, (e) => { e.preventDefault(); ui.upload.classList.add('over'); });
}
for (const type of ['dragleave', 'dragend']) {
  document.addEventListener(type, (e) => { if (!e.relatedTarget) ui.upload.classList.remove('over'); });
}
document.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.upload.classList.remove('over');
  const f = e.dataTransfer && e.dataTransfer.files[0];
  if (f) upload(f);
});
ui.newSong.addEventListener('click', () => {
  stopPlayback();
  if (state.events) state.events.close();
  state.jobId = null; state.result = null; barCount = -1;
  location.hash = '';
  showUploadError('');
});

function route() {
  const m = /^#job=([0-9a-f]{32})$/.exec(location.hash);
  if (m && m[1] !== state.jobId) { barCount = -1; follow(m[1]); }
}
window.addEventListener('hashchange', route);
loadConfig();
route();
