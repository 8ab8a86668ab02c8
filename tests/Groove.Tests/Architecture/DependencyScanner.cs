using System.Reflection;
using System.Reflection.Emit;

namespace Groove.Tests.Architecture;

/// <summary>
/// Every type a type uses: its base type and interfaces, the types of its fields, properties, events and method
/// signatures, custom attributes, and what its method bodies reference in IL (types, methods and fields resolved
/// through <see cref="Module.ResolveMember(int, Type[], Type[])"/>), generic arguments included. Compiler-generated
/// nested types (closures, iterators, async state machines) count for their declaring type.
/// </summary>
internal static class DependencyScanner
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                     BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The one-byte and two-byte IL opcodes, by their value.</summary>
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>(user, used) pairs of types for every type defined in <paramref name="assembly"/>.</summary>
    public static IEnumerable<(Type User, Type Used)> Dependencies(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            var used = new HashSet<Type>();
            Collect(type, used);
            foreach (var u in used) yield return (type, u);
        }
    }

    private static void Collect(Type type, HashSet<Type> used)
    {
        Add(type.BaseType, used);
        foreach (var i in type.GetInterfaces()) Add(i, used);
        foreach (var a in type.GetCustomAttributesData()) Add(a.AttributeType, used);
        foreach (var f in type.GetFields(All)) Add(f.FieldType, used);
        foreach (var p in type.GetProperties(All)) Add(p.PropertyType, used);
        foreach (var e in type.GetEvents(All)) Add(e.EventHandlerType, used);
        foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType, used);
            foreach (var p in m.GetParameters()) Add(p.ParameterType, used);
            var body = m.GetMethodBody();
            if (body is null) continue;
            foreach (var local in body.LocalVariables) Add(local.LocalType, used);
            var il = body.GetILAsByteArray();
            if (il is null) continue;
            foreach (var member in ReferencedMembers(m, il)) AddMember(member, used);
        }
    }

    /// <summary>The members and types named by the metadata tokens in a method body.</summary>
    private static IEnumerable<MemberInfo> ReferencedMembers(MethodBase method, byte[] il)
    {
        var typeArgs = method.DeclaringType is { IsGenericType: true } dt ? dt.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int pos = 0;
        while (pos < il.Length)
        {
            short value = il[pos++];
            if (value == 0xFE) value = (short)(0xFE00 | il[pos++]);
            if (!OpCodesByValue.TryGetValue(value, out var op))
                throw new InvalidOperationException($"unknown IL opcode 0x{value:X} in {method.DeclaringType}.{method.Name}");
            int operandSize = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, pos),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok)
            {
                int token = BitConverter.ToInt32(il, pos);
                MemberInfo? member = null;
                try { member = method.Module.ResolveMember(token, typeArgs, methodArgs); }
                catch (ArgumentException) { }
                if (member is not null) yield return member;
            }
            pos += operandSize;
        }
    }

    private static void AddMember(MemberInfo member, HashSet<Type> used)
    {
        switch (member)
        {
            case Type t: Add(t, used); break;
            case MethodBase m:
                Add(m.DeclaringType, used);
                if (m.IsGenericMethod) foreach (var a in m.GetGenericArguments()) Add(a, used);
                if (m is MethodInfo mi) Add(mi.ReturnType, used);
                foreach (var p in m.GetParameters()) Add(p.ParameterType, used);
                break;
            case FieldInfo f: Add(f.DeclaringType, used); Add(f.FieldType, used); break;
        }
    }

    private static void Add(Type? t, HashSet<Type> used)
    {
        if (t is null || t.IsGenericParameter) return;
        if (t.HasElementType) { Add(t.GetElementType(), used); return; }
        if (t.IsGenericType && !t.IsGenericTypeDefinition)
        {
            foreach (var a in t.GetGenericArguments()) Add(a, used);
            t = t.GetGenericTypeDefinition();
        }
        used.Add(t);
    }
}
