namespace Groove.Corpus.Render;

/// <summary>Where a rendered clip comes from.</summary>
public enum RenderSource
{
    /// <summary>A Groove MIDI Dataset drum performance (drums only).</summary>
    GrooveMidi,
    /// <summary>A Nottingham folk tune (melody and chords, no drums).</summary>
    Nottingham,
    /// <summary>A full-band song arranged by Debian's mma from a library groove and a chord progression.</summary>
    Mma,
}

/// <summary>
/// One clip of <c>groove corpus render</c>, with every random choice already drawn (from the run seed and the clip id
/// only, so a clip is the same whatever else is rendered): its source, its split, the soundfont and the augmentations.
/// </summary>
/// <param name="Id">File name stem, unique in the corpus.</param>
/// <param name="Source">Kind of source.</param>
/// <param name="SourceFile">The source MIDI file, or for mma the library groove file (split unit).</param>
/// <param name="Split">"train" or "validation": whole source files are held out.</param>
/// <param name="SoundFont">Path of the General MIDI soundfont.</param>
/// <param name="Gain">fluidsynth's master gain.</param>
/// <param name="Reverb">fluidsynth reverb on.</param>
/// <param name="TempoFactor">Time stretch of the audio (sox tempo; 1.1 = 10% faster); beats are scaled with it.</param>
/// <param name="Transpose">Semitones added to the pitched (non-drum) notes.</param>
/// <param name="DrumGain">Gain of the drum stem in the mix (dB).</param>
/// <param name="OtherGain">Gain of the other instruments in the mix (dB).</param>
/// <param name="Eq">"none", "lowpass:HZ", "highpass:HZ".</param>
/// <param name="NoiseSnrDb">White noise at this SNR (dB) against the mix's RMS; +∞ = none.</param>
/// <param name="Codec">"wav" (none), "mp3:KBPS" or "ogg:QUALITY": the mix is encoded and decoded back through ffmpeg.</param>
/// <param name="PeakDb">Peak level of the mix (dBFS).</param>
/// <param name="Mma">For mma songs: the groove name, tempo (BPM), key and chords (one per bar); null otherwise.</param>
public sealed record RenderClip(string Id, RenderSource Source, string SourceFile, string Split, string SoundFont, double Gain, bool Reverb,
    double TempoFactor, int Transpose, double DrumGain, double OtherGain, string Eq, double NoiseSnrDb, string Codec, double PeakDb,
    MmaSong? Mma);

/// <summary>An mma song: a library groove playing a chord progression.</summary>
/// <param name="Groove">mma groove name (DefGroove in the library file).</param>
/// <param name="Tempo">mma tempo (quarter notes per minute).</param>
/// <param name="Key">Key name, e.g. "Bb minor".</param>
/// <param name="Chords">Chord symbol per bar.</param>
/// <param name="Seed">mma's RndSeed (its humanising).</param>
public sealed record MmaSong(string Groove, int Tempo, string Key, IReadOnlyList<string> Chords, int Seed)
{
    /// <summary>The .mma text.</summary>
    public string Text()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("RndSeed ").Append(Seed).Append('\n');
        sb.Append("Tempo ").Append(Tempo).Append('\n');
        sb.Append("Groove ").Append(Groove).Append('\n');
        for (int i = 0; i < Chords.Count; i++) sb.Append(i + 1).Append(' ').Append(Chords[i]).Append('\n');
        return sb.ToString();
    }
}
