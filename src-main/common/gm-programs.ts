/**
 * General MIDI instrument names, for showing a part's instrument in words ("Piano (Acoustic
 * Grand)" rather than "program 0"). The 128 melodic programs of the General MIDI Level 1 sound
 * set, in program order (0-based, as a MIDI file stores them); channel 10 (0-based 9) is always
 * drums, whatever its program says.
 */
import { GM_DRUM_CHANNEL } from './midi.js';

/** The instrument of each General MIDI program, 0..127, written family first. */
export const GM_PROGRAM_NAMES: readonly string[] = [
  // Piano
  'Piano (Acoustic Grand)', 'Piano (Bright Acoustic)', 'Piano (Electric Grand)', 'Piano (Honky-tonk)',
  'Electric Piano 1', 'Electric Piano 2', 'Harpsichord', 'Clavinet',
  // Chromatic percussion
  'Celesta', 'Glockenspiel', 'Music Box', 'Vibraphone', 'Marimba', 'Xylophone', 'Tubular Bells', 'Dulcimer',
  // Organ
  'Organ (Drawbar)', 'Organ (Percussive)', 'Organ (Rock)', 'Church Organ', 'Reed Organ', 'Accordion', 'Harmonica',
  'Tango Accordion',
  // Guitar
  'Guitar (Nylon)', 'Guitar (Steel)', 'Electric Guitar (Jazz)', 'Electric Guitar (Clean)', 'Electric Guitar (Muted)',
  'Overdriven Guitar', 'Distortion Guitar', 'Guitar Harmonics',
  // Bass
  'Acoustic Bass', 'Electric Bass (Finger)', 'Electric Bass (Pick)', 'Fretless Bass', 'Slap Bass 1', 'Slap Bass 2',
  'Synth Bass 1', 'Synth Bass 2',
  // Strings
  'Violin', 'Viola', 'Cello', 'Contrabass', 'Tremolo Strings', 'Pizzicato Strings', 'Orchestral Harp', 'Timpani',
  // Ensemble
  'String Ensemble 1', 'String Ensemble 2', 'Synth Strings 1', 'Synth Strings 2', 'Choir Aahs', 'Voice Oohs',
  'Synth Voice', 'Orchestra Hit',
  // Brass
  'Trumpet', 'Trombone', 'Tuba', 'Muted Trumpet', 'French Horn', 'Brass Section', 'Synth Brass 1', 'Synth Brass 2',
  // Reed
  'Soprano Sax', 'Alto Sax', 'Tenor Sax', 'Baritone Sax', 'Oboe', 'English Horn', 'Bassoon', 'Clarinet',
  // Pipe
  'Piccolo', 'Flute', 'Recorder', 'Pan Flute', 'Blown Bottle', 'Shakuhachi', 'Whistle', 'Ocarina',
  // Synth lead
  'Lead (Square)', 'Lead (Sawtooth)', 'Lead (Calliope)', 'Lead (Chiff)', 'Lead (Charang)', 'Lead (Voice)',
  'Lead (Fifths)', 'Lead (Bass + Lead)',
  // Synth pad
  'Pad (New Age)', 'Pad (Warm)', 'Pad (Polysynth)', 'Pad (Choir)', 'Pad (Bowed)', 'Pad (Metallic)', 'Pad (Halo)',
  'Pad (Sweep)',
  // Synth effects
  'FX (Rain)', 'FX (Soundtrack)', 'FX (Crystal)', 'FX (Atmosphere)', 'FX (Brightness)', 'FX (Goblins)',
  'FX (Echoes)', 'FX (Sci-fi)',
  // Ethnic
  'Sitar', 'Banjo', 'Shamisen', 'Koto', 'Kalimba', 'Bagpipe', 'Fiddle', 'Shanai',
  // Percussive
  'Tinkle Bell', 'Agogo', 'Steel Drums', 'Woodblock', 'Taiko Drum', 'Melodic Tom', 'Synth Drum', 'Reverse Cymbal',
  // Sound effects
  'Guitar Fret Noise', 'Breath Noise', 'Seashore', 'Bird Tweet', 'Telephone Ring', 'Helicopter', 'Applause', 'Gunshot',
];

/** What the drum channel plays, in words. */
export const GM_DRUMS_NAME = 'Drums';

/** A part's instrument in words: its program's name, or "Drums" on the drum channel. */
export function instrumentName(program: number, channel: number): string {
  if (channel === GM_DRUM_CHANNEL) return GM_DRUMS_NAME;
  return GM_PROGRAM_NAMES[program] ?? `Program ${program + 1}`;
}
