// Two sibling namespaces for LayerRuleTests (outside Groove.*, so the library rule never sees them).
namespace LayerRuleSamples.A
{
    internal sealed class User;
}

namespace LayerRuleSamples.B
{
    internal sealed class Used;
}
