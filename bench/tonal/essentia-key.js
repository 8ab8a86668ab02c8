// Keys with essentia.js KeyExtractor (essentia's defaults: HPCP from spectral peaks with whitening, 4096/4096
// frames at 44.1 kHz, profile bgate unless --profile) for mono or stereo 16-bit WAVs at 44.1 kHz.
// usage: node essentia-key.js OUT_DIR [--profile NAME] FILE.wav...
// Writes OUT_DIR/<name>.key ("F# minor"); prints the analysis time per clip (reading the WAV not counted) and in total.
const fs = require('fs');
const path = require('path');
const { Essentia, EssentiaWASM } = require('essentia.js');
const essentia = new Essentia(EssentiaWASM);

const { readWav } = require('../read-wav.js');

let args = process.argv.slice(2);
const outDir = args.shift();
let profile = 'bgate';
if (args[0] === '--profile') { profile = args[1]; args = args.slice(2); }
fs.mkdirSync(outDir, { recursive: true });
let total = 0, seconds = 0;
const perClip = [];
for (const f of args) {
  const { x, rate } = readWav(f);
  const t0 = process.hrtime.bigint();
  const v = essentia.arrayToVector(x);
  // KeyExtractor(audio, averageDetuningCorrection, frameSize, hopSize, hpcpSize, maxFrequency, maximumSpectralPeaks,
  //   minFrequency, pcpThreshold, profileType, sampleRate, ...): essentia's defaults but the profile and the rate.
  const r = essentia.KeyExtractor(v, true, 4096, 4096, 12, 3500, 60, 25, 0.2, profile, rate);
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  total += dt;
  perClip.push(dt / (x.length / rate));
  seconds += x.length / rate;
  v.delete && v.delete();
  fs.writeFileSync(path.join(outDir, path.basename(f, '.wav') + '.key'), `${r.key} ${r.scale}\n`);
}
perClip.sort((a, b) => a - b);
const median = perClip.length ? perClip[perClip.length >> 1] : 0;
console.log(`${args.length} clips, ${seconds.toFixed(1)} s of audio: analysis ${total.toFixed(3)} s = ${(100 * total / seconds).toFixed(3)}% of real time (median clip ${(100 * median).toFixed(3)}%)`);
