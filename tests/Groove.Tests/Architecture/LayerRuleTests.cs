using Groove.Audio;

namespace Groove.Tests.Architecture;

public class LayerRuleTests
{
    private static readonly System.Reflection.Assembly Library = typeof(AudioBuffer).Assembly;

    [Fact]
    public void NoLibraryTypeDependsOnAHigherOrSiblingLayer()
    {
        var violations = LayerRule.Groove.Violations(Library);
        Assert.True(violations.Count == 0, "dependencies pointing up a layer or across to a sibling:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void EveryLibraryNamespaceHasALayer()
    {
        var unranked = Library.GetTypes()
            .Select(t => t.Namespace)
            .Where(ns => ns is not null && ns.StartsWith("Groove", StringComparison.Ordinal) && LayerRule.Groove.Owner(ns) is null)
            .Distinct().ToList();
        Assert.Empty(unranked);
    }

    [Fact]
    public void A_RuleWithAudioAboveDsp_CatchesTheDspUseOfTheResamplerFoundOnlyInIl()
    {
        // SuperFluxOnsetStrength calls Resampler only inside a method body (no field or signature names it), so this
        // violation is visible only to the IL scan: it shows the scan reads method bodies.
        var inverted = new LayerRule([("Groove", 0), ("Groove.Dsp", 1), ("Groove.Audio", 2)]);
        var violations = inverted.Violations(Library);
        Assert.Contains(violations, v => v.StartsWith("Groove.Dsp.SuperFluxOnsetStrength ", StringComparison.Ordinal) && v.Contains("Groove.Audio.Resampler ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_SiblingDependencyIsAViolation()
    {
        var rule = new LayerRule([("Groove", 0), ("LayerRuleSamples.A", 1), ("LayerRuleSamples.B", 1)]);
        Assert.Single(rule.Violations([(typeof(LayerRuleSamples.A.User), typeof(LayerRuleSamples.B.Used))]));
        Assert.Empty(rule.Violations([(typeof(LayerRuleSamples.A.User), typeof(GrooveException))]));
        Assert.Single(rule.Violations([(typeof(GrooveException), typeof(LayerRuleSamples.A.User))]));
    }
}
