// Beats with essentia.js RhythmExtractor2013 (multifeature) for 44.1 kHz mono 16-bit WAVs.
// usage: node essentia-beats.js OUT_DIR FILE.wav...   (prints the total processing time in seconds)
const fs = require('fs');
const path = require('path');
const { Essentia, EssentiaWASM } = require('essentia.js');
const essentia = new Essentia(EssentiaWASM);

const { readWav } = require('../read-wav.js');

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
