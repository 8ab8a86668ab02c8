using System.CommandLine;
using Groove.Cli.Commands.Eval;
using Groove.Rhythm;
using Groove.Tonality;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove eval beats|tempo|key</c>: scores estimates against references with mir_eval's (or madmom's) metric
/// definitions, for one file pair or a whole dataset.
/// </summary>
internal static class EvalCommand
{
    /// <param name="trackers">Resolves <c>--estimator NAME</c> of <c>eval beats</c> and <c>eval tempo</c> to a beat
    /// tracker, throwing <see cref="GrooveException"/> for unknown names. Null: <see cref="BeatTrackers.Create"/>.</param>
    /// <param name="keyEstimators">Resolves <c>--estimator NAME</c> of <c>eval key</c>, likewise. Null: the profile key estimators.</param>
    public static Command Create(Func<string, IBeatTracker>? trackers = null, Func<string, IKeyEstimator>? keyEstimators = null)
    {
        trackers ??= name => BeatTrackers.Create(name);
        keyEstimators ??= ProfileKeyEstimatorByName;
        return new Command("eval", "Evaluate beats, tempo or key against reference annotations (mir_eval metrics)")
        {
            EvalBeatsCommand.Create(trackers),
            EvalTempoCommand.Create(trackers),
            EvalKeyCommand.Create(keyEstimators),
            FewShotCommand.Create(),
        };
    }

    /// <summary>The built-in key estimators: each of <see cref="KeyMethods.Learned"/> (as <c>groove key --method</c> builds
    /// it) and <see cref="KeyMethods.All"/> by name, and "profile-NAME" (or "NAME") for the classical default method with
    /// each of <see cref="KeyProfile.All"/>.</summary>
    internal static IKeyEstimator ProfileKeyEstimatorByName(string name)
    {
        if (KeyMethods.FindLearned(name) is { } learned) return learned.CreateEstimator(new ProfileKeyEstimator(KeyMethods.Classical.Options));
        if (KeyMethods.Find(name) is { } method) return new ProfileKeyEstimator(method);
        var profileName = name.StartsWith("profile-", StringComparison.OrdinalIgnoreCase) ? name["profile-".Length..] : name;
        var profile = KeyProfile.Find(profileName) ?? throw new GrooveException(
            $"no key estimator named '{name}' (available: {string.Join(", ", KeyMethods.Names.Concat(KeyProfile.All.Select(p => "profile-" + p.Name)))}; or score estimates from a folder with --est-dir)");
        return new ProfileKeyEstimator(new ProfileKeyOptions { Profile = profile });
    }

    /// <summary>
    /// Runs a command body, turning a <see cref="GrooveException"/> (bad input) into its one-line message and exit
    /// code 1 rather than System.CommandLine's stack-trace report.
    /// </summary>
    internal static int Guarded(Func<int> body)
    {
        try { return body(); }
        catch (Exception e) { return Infrastructure.Reporter.Fatal(e); }
    }
}
