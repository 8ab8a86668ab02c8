// Beats with essentia.js RhythmExtractor2013 (multifeature) for 44.1 kHz mono 16-bit WAVs.
// usage: node essentia-beats.js OUT_DIR FILE.wav...   (prints the total processing time in seconds)
const fs = require('fs');
const path = require('path');
const { Essentia, EssentiaWASM } = require('essentia.js');
const essentia = new Essentia(EssentiaWASM);

function readWav(file) {
  const b = fs.readFileSync(file);
  let pos = 12, fmt = null;
  while (pos + 8 <= b.length) {
    const id = b.toString('ascii', pos, pos + 4), size = b.readUInt32LE(pos + 4), body = pos + 8;
    if (id === 'fmt ') fmt = { channels: b.readUInt16LE(body + 2), rate: b.readUInt32LE(body + 4), bits: b.readUInt16LE(body + 14) };
    if (id === 'data') {
      if (!fmt || fmt.bits !== 16) throw new Error(file + ': expected 16-bit PCM');
      const frames = Math.floor(size / (2 * fmt.channels)), x = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let s = 0;
        for (let c = 0; c < fmt.channels; c++) s += b.readInt16LE(body + 2 * (i * fmt.channels + c));
        x[i] = s / fmt.channels / 32768;
      }
      return { x, rate: fmt.rate };
    }
    pos = body + size + (size & 1);
  }
  throw new Error(file + ': no data chunk');
}

const [outDir, ...files] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
let total = 0;
for (const f of files) {
  const { x } = readWav(f);
  const t0 = process.hrtime.bigint();
  const v = essentia.arrayToVector(x);
  const r = essentia.RhythmExtractor2013(v, 208, 'multifeature', 40);
  const ticks = essentia.vectorToArray(r.ticks);
  total += Number(process.hrtime.bigint() - t0) / 1e9;
  fs.writeFileSync(path.join(outDir, path.basename(f, '.wav') + '.beats'), Array.from(ticks).map(t => t.toFixed(3)).join('\n') + '\n');
}
console.log(total.toFixed(3));
