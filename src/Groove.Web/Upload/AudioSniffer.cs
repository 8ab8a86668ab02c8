namespace Groove.Web.Upload;

/// <summary>
/// Recognises audio containers by their first bytes, whatever the upload's name says: WAV (RIFF, RF64, BW64), MP3
/// (an ID3 tag or an MPEG audio frame header), ADTS AAC, FLAC, Ogg, MP4/M4A (an <c>ftyp</c> box) and AIFF.
/// </summary>
internal static class AudioSniffer
{
    /// <summary>Bytes needed to decide.</summary>
    public const int HeaderLength = 12;

    public const string Expected = "WAV, MP3, FLAC, Ogg, M4A, AAC or AIFF";

    /// <summary>The file extension for the format the header shows ("wav", "mp3"...), or null when it is not audio.</summary>
    public static string? Sniff(ReadOnlySpan<byte> h)
    {
        if (h.Length >= 12 && (h[..4].SequenceEqual("RIFF"u8) || h[..4].SequenceEqual("RF64"u8) || h[..4].SequenceEqual("BW64"u8))
            && h[8..12].SequenceEqual("WAVE"u8)) return "wav";
        if (h.Length >= 12 && h[..4].SequenceEqual("FORM"u8) && (h[8..12].SequenceEqual("AIFF"u8) || h[8..12].SequenceEqual("AIFC"u8))) return "aiff";
        if (h.Length >= 4 && h[..4].SequenceEqual("fLaC"u8)) return "flac";
        if (h.Length >= 4 && h[..4].SequenceEqual("OggS"u8)) return "ogg";
        if (h.Length >= 8 && h[4..8].SequenceEqual("ftyp"u8)) return "m4a";
        if (h.Length >= 3 && h[..3].SequenceEqual("ID3"u8)) return "mp3";
        if (h.Length >= 3 && h[0] == 0xFF)
        {
            // ADTS (AAC): 12 sync bits, layer 00.
            if ((h[1] & 0xF6) == 0xF0) return "aac";
            // MPEG audio frame: 11 sync bits, a version other than "reserved" (01), a layer other than "reserved" (00),
            // a bitrate index other than "bad" (1111) and a sample-rate index other than "reserved" (11).
            int version = (h[1] >> 3) & 3, layer = (h[1] >> 1) & 3, bitrate = h[2] >> 4, rate = (h[2] >> 2) & 3;
            if ((h[1] & 0xE0) == 0xE0 && version != 1 && layer != 0 && bitrate != 15 && rate != 3) return "mp3";
        }
        return null;
    }

    public static string ContentType(string extension) => extension switch
    {
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "ogg" => "audio/ogg",
        "m4a" => "audio/mp4",
        "mp3" => "audio/mpeg",
        "aac" => "audio/aac",
        "aiff" => "audio/aiff",
        _ => "application/octet-stream",
    };
}
