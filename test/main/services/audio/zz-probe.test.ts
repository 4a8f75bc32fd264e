import { decodeAudio } from '../../../../src-main/services/audio/decode.js';
import { analyseAudio } from '../../../../src-main/services/audio/analysis.js';
import { resample, mixToMono } from '../../../../src-main/services/audio/resample.js';
import { encodeWav } from '../../../../src-main/services/audio/wav.js';
import * as fx from '../../../fixtures/audio-fixtures.js';
test('perf', async () => {
  const src = fx.pinkNoise(300, 44100, 0.5, 2, 3);
  for (const [label, bytes] of [['wav24', fx.encodeWavFixture(src, 44100, { bits: 24 })], ['flac', fx.encodeFlacFixture(src, 44100, { bits: 16 })], ['mp3', fx.encodeMp3Fixture(src.map(c=>c.subarray(0,44100*60)), 44100)]] as const) {
    let t = Date.now(); const d = await decodeAudio(bytes, label); const td = Date.now() - t;
    t = Date.now(); const a = analyseAudio(d); const ta = Date.now() - t;
    console.log(label, bytes.length, 'decode', td, 'ms; analyse', ta, 'ms', a.loudnessLufs);
  }
  let t = Date.now(); const m = mixToMono(src); const r = await resample(m, 44100, 16000); console.log('resample 300s best', Date.now()-t, 'ms', r.length);
  t = Date.now(); encodeWav({ sampleRate: 44100, channels: src }, { bitDepth: 16 }); console.log('encodeWav', Date.now()-t);
}, 300000);
