// Reads a 16-bit PCM WAV (any channel count) as mono float samples in [-1, 1) for the essentia.js bench scripts
// (bench/beats/essentia-beats.js, bench/tonal/essentia-key.js).
const fs = require('fs');

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

module.exports = { readWav };
