using System.CommandLine;
using System.CommandLine.Parsing;

namespace Groove.Cli.Infrastructure;

/// <summary>
/// Finds what is wrong with a command line before any work starts: System.CommandLine's parse errors, and words that
/// look like options but were taken as file names (<c>groove key a.wav --profle x</c> would otherwise analyse a file
/// named "--profle"). Each becomes one line, with the nearest known option when there is one.
/// </summary>
internal static class CommandLineErrors
{
    /// <summary>The problem with <paramref name="parse"/> in one line, or null when it may run.</summary>
    public static string? Find(ParseResult parse)
    {
        if (parse.Errors.Count > 0 && !(parse.Action?.ClearsParseErrors ?? false))
        {
            foreach (var token in parse.UnmatchedTokens)
                return LooksLikeOption(token) ? UnknownOption(token, parse) : $"unexpected argument '{token}' for 'groove {CommandPath(parse)}'";
            string path = CommandPath(parse);
            return $"{parse.Errors[0].Message.TrimEnd('.')} (see groove {(path.Length > 0 ? path + " " : "")}--help)";
        }
        if (parse.Action?.ClearsParseErrors ?? false) return null;   // --help and friends

        // Option-like words bound to a command's arguments, unless they follow "--".
        var tokens = parse.Tokens;
        int doubleDash = -1;
        for (int i = 0; i < tokens.Count; i++)
            if (tokens[i].Type == TokenType.DoubleDash) { doubleDash = i; break; }
        foreach (var argument in parse.CommandResult.Children.OfType<ArgumentResult>())
            foreach (var token in argument.Tokens)
            {
                if (!LooksLikeOption(token.Value)) continue;
                int at = IndexOf(tokens, token);
                if (doubleDash >= 0 && (at < 0 || at > doubleDash)) continue;
                return UnknownOption(token.Value, parse);
            }
        return null;
    }

    /// <summary>"--x", "-x": an option; "-" (standard input) and negative numbers are not.</summary>
    private static bool LooksLikeOption(string word) =>
        word.Length > 1 && word[0] == '-' && !double.TryParse(word, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static string UnknownOption(string word, ParseResult parse)
    {
        string name = word.Split('=', 2)[0];
        var suggestion = Nearest(name, KnownOptions(parse.CommandResult));
        return suggestion is null
            ? $"unknown option {name} for 'groove {CommandPath(parse)}' (see groove {CommandPath(parse)} --help)".Replace("groove  ", "groove ")
            : $"unknown option {name} (did you mean {suggestion}?)";
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is CommandResult c && c.Parent is not null; r = r.Parent)
            names.Insert(0, c.Command.Name);
        return string.Join(' ', names);
    }

    private static IEnumerable<string> KnownOptions(CommandResult result)
    {
        bool own = true;
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is not CommandResult c) continue;
            foreach (var o in c.Command.Options)
            {
                if (!own && !o.Recursive) continue;
                yield return o.Name;
                foreach (var a in o.Aliases) yield return a;
            }
            own = false;
        }
    }

    /// <summary>The candidate closest to <paramref name="word"/> in edit distance, if it is close enough to be a typo.</summary>
    internal static string? Nearest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates.Where(c => c.StartsWith("--", StringComparison.Ordinal) || word.Length <= 2))
        {
            int d = EditDistance(word, c);
            if (d < bestDistance) { best = c; bestDistance = d; }
        }
        // A third of the word may be wrong ("--profle", "--frce"), or it may be a prefix ("--prof").
        if (best is not null && (bestDistance <= Math.Max(2, word.Length / 3) || best.StartsWith(word, StringComparison.Ordinal) && word.Length >= 4))
            return best;
        return null;
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions; an adjacent swap counts as two).</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static int IndexOf(IReadOnlyList<Token> tokens, Token token)
    {
        for (int i = 0; i < tokens.Count; i++) if (ReferenceEquals(tokens[i], token)) return i;
        return -1;
    }
}
