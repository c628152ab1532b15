using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace CustomLosses.Analyzers;

/// <summary>
/// The TorchSharp members that create a <c>Scalar</c> temporary inside TorchSharp and hand it to libtorch (and so can
/// have it finalized mid-call), found by reading TorchSharp.dll's IL rather than kept as a hand-written list, so a
/// TorchSharp upgrade is covered without editing this file.
/// </summary>
/// <remarks>
/// <para>A method of TorchSharp.dll <em>makes</em> a temporary when its body calls something that returns a new
/// <c>Scalar</c> (<c>Scalar.op_Implicit</c>, <c>ToScalar()</c>, <c>new Scalar(...)</c>, ...) while it does not return a
/// <c>Scalar</c> itself: <c>add(Tensor target) =&gt; add(target, 1)</c>, <c>vector_norm(x, double ord)</c>
/// (<c>ord.ToScalar().Handle</c>), <c>operator *(Tensor, double) =&gt; left.mul(right)</c>. A method that returns a Scalar
/// is a producer: its caller owns the result. A method is <em>hidden</em> if it makes a temporary or calls (or takes
/// the address of, for a delegate) a hidden method: <c>operator +(Tensor, Tensor) =&gt; left.add(right)</c> and
/// <c>operator -(Scalar, Tensor) =&gt; right.negative().add(left)</c> are hidden through <c>add</c>'s temporary alpha.</para>
/// <para>The few makers that keep their Scalar alive through the native call (TorchSharp's
/// <c>using var sc = (Scalar)lambda;</c> in hardshrink and softshrink) are listed by hand in
/// <see cref="KeepsItsScalarsAlive"/>; the IL alone does not tell which local a <c>Dispose</c> disposes.</para>
/// <para>Virtual calls are followed to the called declaration only (not to every override): a call through
/// <c>nn.Module.call</c> is not hidden because some module's forward is.</para>
/// </remarks>
internal sealed class HiddenScalarTemporaries
{
    /// <summary>For a hidden method (by metadata token): the call chain to the Scalar it makes, e.g.
    /// "Tensor.op_Addition(Tensor, Tensor) → Tensor.add(Tensor) → Scalar.op_Implicit(Int32)".</summary>
    readonly Dictionary<int, string> hidden;

    /// <summary>Every method's tokens by display name; only when the scan was asked to index them (for tests).</summary>
    readonly Dictionary<string, List<int>> names;

    HiddenScalarTemporaries(Guid mvid, Dictionary<int, string> hidden, Dictionary<string, List<int>> names, IReadOnlyList<string> keptAlive)
    {
        Mvid = mvid;
        this.hidden = hidden;
        this.names = names;
        KeptAlive = keptAlive;
    }

    /// <summary>The module version id of the TorchSharp.dll that was read, so a scan is never applied to another build of it.</summary>
    public Guid Mvid { get; }

    /// <summary>How many methods of TorchSharp.dll are hidden.</summary>
    public int Count => hidden.Count;

    /// <summary>Why the method with this metadata token is hidden, or null when it is not.</summary>
    public string? Reason(int metadataToken) => hidden.TryGetValue(metadataToken, out var why) ? why : null;

    /// <summary>Hidden methods whose display name (<c>Type.name(ParamTypes)</c>) is this; needs a scan with indexed names.</summary>
    public bool Contains(string displayName) => names.TryGetValue(displayName, out var tokens) && tokens.Any(hidden.ContainsKey);

    /// <summary>Whether a method with this display name exists at all (so a test of <see cref="Contains"/> is not vacuous).</summary>
    public bool Exists(string displayName) => names.ContainsKey(displayName);

    /// <summary>
    /// The methods of TorchSharp.dll that make a Scalar and keep it alive through the native call, read in TorchSharp
    /// 0.107's source (<c>using var sc = (Scalar)lambda;</c> in hardshrink and softshrink). A name here that the scan
    /// does not find as a maker fails a test, so the list cannot silently go stale.
    /// </summary>
    public static ImmutableHashSet<string> KeepsItsScalarsAlive { get; } = ImmutableHashSet.Create(StringComparer.Ordinal,
        "TorchSharp.torch.nn.functional.hardshrink(Tensor, Double)",
        "TorchSharp.torch.nn.functional.softshrink(Tensor, Double)");

    /// <summary>The makers the scan did not count because they are in <see cref="KeepsItsScalarsAlive"/>.</summary>
    public IReadOnlyList<string> KeptAlive { get; }

    /// <summary>Every hidden method's reason, for a report.</summary>
    public IEnumerable<string> Reasons => hidden.Values.OrderBy(r => r, StringComparer.Ordinal);

    /// <summary>
    /// Reads TorchSharp.dll's IL. <paramref name="indexNames"/> keeps every method's display name for
    /// <see cref="Contains"/> and <see cref="Exists"/> (tests); the analyzer does without.
    /// </summary>
    public static HiddenScalarTemporaries Scan(PEReader pe, bool indexNames = false)
    {
        var md = pe.GetMetadataReader();
        var scalar = md.TypeDefinitions.Single(h => IsType(md, h, "TorchSharp", "Scalar"));
        var methods = md.MethodDefinitions.ToList();
        var names = new Dictionary<MethodDefinitionHandle, string>();
        string Name(MethodDefinitionHandle m) => names.TryGetValue(m, out var n) ? n : names[m] = DisplayName(md, m);

        // Pass 1: per method, the methods of this assembly it calls (or takes the address of), and whether it makes a
        // temporary Scalar itself.
        var producers = new HashSet<MethodDefinitionHandle>(methods.Where(m => ReturnsType(md, m, scalar)));
        // new Scalar(...) is a producer too: a Scalar constructor "returns" a Scalar.
        foreach (var m in methods)
            if (md.GetMethodDefinition(m).GetDeclaringType() == scalar && md.GetString(md.GetMethodDefinition(m).Name) == ".ctor")
                producers.Add(m);

        var callers = new Dictionary<MethodDefinitionHandle, List<MethodDefinitionHandle>>();
        var hidden = new Dictionary<MethodDefinitionHandle, string>();
        var work = new Queue<MethodDefinitionHandle>();
        var keptAlive = new List<string>();
        foreach (var m in methods)
        {
            var def = md.GetMethodDefinition(m);
            if (def.RelativeVirtualAddress == 0) continue;                       // abstract, extern (P/Invoke)
            var body = pe.GetMethodBody(def.RelativeVirtualAddress);
            var callees = new List<MethodDefinitionHandle>();
            foreach (var token in IlCalls.CalledTokens(body))
                if (Resolve(md, MetadataTokens.EntityHandle(token)) is { IsNil: false } target) callees.Add(target);
            foreach (var c in callees.Distinct())
            {
                if (!callers.TryGetValue(c, out var list)) callers[c] = list = [];
                list.Add(m);
            }
            if (!producers.Contains(m) && callees.FirstOrDefault(producers.Contains) is { IsNil: false } made)
            {
                if (KeepsItsScalarsAlive.Contains(Name(m)))
                {
                    keptAlive.Add(Name(m));
                    continue;
                }
                hidden[m] = $"{Short(Name(m))} → {Short(Name(made))}";
                work.Enqueue(m);
            }
        }

        // Pass 2: everything that reaches a maker.
        while (work.Count > 0)
        {
            var m = work.Dequeue();
            if (!callers.TryGetValue(m, out var list)) continue;
            foreach (var caller in list)
                if (!hidden.ContainsKey(caller))
                {
                    hidden[caller] = $"{Short(Name(caller))} → {hidden[m]}";
                    work.Enqueue(caller);
                }
        }

        var index = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        if (indexNames)
            foreach (var m in methods)
            {
                if (!index.TryGetValue(Name(m), out var tokens)) index[Name(m)] = tokens = [];
                tokens.Add(MetadataTokens.GetToken(m));
            }
        var mvid = md.GetGuid(md.GetModuleDefinition().Mvid);
        return new HiddenScalarTemporaries(mvid, hidden.ToDictionary(kv => MetadataTokens.GetToken(kv.Key), kv => kv.Value), index, keptAlive);
    }

    /// <summary>The method a call's operand refers to, in this assembly (a MethodDef, or a MemberRef/MethodSpec to one); null otherwise.</summary>
    static MethodDefinitionHandle? Resolve(MetadataReader md, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                return (MethodDefinitionHandle)handle;
            case HandleKind.MethodSpecification:
                return Resolve(md, md.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            case HandleKind.MemberReference:
                // A member of a generic type of this assembly (Module<T1, T2>.forward, ...): same name and signature blob.
                var mr = md.GetMemberReference((MemberReferenceHandle)handle);
                if (mr.Parent.Kind != HandleKind.TypeSpecification) return null;
                var spec = md.GetBlobReader(md.GetTypeSpecification((TypeSpecificationHandle)mr.Parent).Signature);
                if (spec.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return null;
                spec.ReadSignatureTypeCode();                                       // class / valuetype
                var generic = spec.ReadTypeHandle();
                if (generic.Kind != HandleKind.TypeDefinition) return null;
                var name = md.GetString(mr.Name);
                var sig = md.GetBlobBytes(mr.Signature);
                foreach (var m in md.GetTypeDefinition((TypeDefinitionHandle)generic).GetMethods())
                {
                    var def = md.GetMethodDefinition(m);
                    if (md.GetString(def.Name) == name && md.GetBlobBytes(def.Signature).SequenceEqual(sig)) return m;
                }
                return null;
            default:
                return null;
        }
    }

    static bool IsType(MetadataReader md, TypeDefinitionHandle h, string ns, string name)
    {
        var t = md.GetTypeDefinition(h);
        return md.GetString(t.Namespace) == ns && md.GetString(t.Name) == name && t.GetDeclaringType().IsNil;
    }

    static bool ReturnsType(MetadataReader md, MethodDefinitionHandle m, TypeDefinitionHandle type)
    {
        var blob = md.GetBlobReader(md.GetMethodDefinition(m).Signature);
        var header = blob.ReadSignatureHeader();
        if (header.IsGeneric) blob.ReadCompressedInteger();
        blob.ReadCompressedInteger();                                               // parameter count
        var code = blob.ReadSignatureTypeCode();
        while (code is SignatureTypeCode.OptionalModifier or SignatureTypeCode.RequiredModifier)
        {
            blob.ReadTypeHandle();
            code = blob.ReadSignatureTypeCode();
        }
        return code == SignatureTypeCode.TypeHandle && blob.ReadTypeHandle() == (EntityHandle)type;
    }

    /// <summary><c>Namespace.Type.name(ParamType, ...)</c> with the parameter types' simple names, for messages and tests.</summary>
    static string DisplayName(MetadataReader md, MethodDefinitionHandle m)
    {
        var def = md.GetMethodDefinition(m);
        var sig = def.DecodeSignature(new TypeNames(md), genericContext: null);
        return $"{TypeName(md, def.GetDeclaringType())}.{md.GetString(def.Name)}({string.Join(", ", sig.ParameterTypes)})";
    }

    static string Short(string displayName) => displayName.Replace("TorchSharp.torch.", "").Replace("TorchSharp.", "");

    static string TypeName(MetadataReader md, TypeDefinitionHandle h)
    {
        var t = md.GetTypeDefinition(h);
        var outer = t.GetDeclaringType();
        var name = md.GetString(t.Name);
        return outer.IsNil ? $"{md.GetString(t.Namespace)}.{name}".TrimStart('.') : $"{TypeName(md, outer)}.{name}";
    }

    /// <summary>Simple type names for <see cref="DisplayName"/>: <c>Tensor</c>, <c>Scalar</c>, <c>Double</c>, <c>Int64[]</c>, <c>Nullable`1</c>.</summary>
    sealed class TypeNames(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";
        public string GetByReferenceType(string elementType) => "ref " + elementType;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => $"{genericType}<{string.Join(", ", typeArguments)}>";
        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetPinnedType(string elementType) => elementType;
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            md.GetString(md.GetTypeDefinition(handle).Name);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            md.GetString(md.GetTypeReference(handle).Name);
        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => "spec";
    }
}
