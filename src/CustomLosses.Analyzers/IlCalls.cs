using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;

namespace CustomLosses.Analyzers;

/// <summary>The methods a method body calls, read from its IL (for <see cref="HiddenScalarTemporaries"/>).</summary>
internal static class IlCalls
{
    /// <summary>The metadata tokens that call, callvirt, newobj, ldftn and ldvirtftn instructions refer to.</summary>
    public static List<int> CalledTokens(MethodBodyBlock body)
    {
        var il = body.GetILReader();
        var tokens = new List<int>();
        while (il.RemainingBytes > 0)
        {
            int code = il.ReadByte();
            var op = code == 0xFE ? TwoByte[il.ReadByte()] : OneByte[code];
            if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj || op == OpCodes.Ldftn || op == OpCodes.Ldvirtftn)
            {
                tokens.Add(il.ReadInt32());
                continue;
            }
            switch (op.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                case OperandType.InlineVar: il.Offset += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                case OperandType.InlineSwitch: il.Offset += 4 * il.ReadInt32(); break;
                default: il.Offset += 4; break;                                    // tokens, int32, float32, branch targets
            }
        }
        return tokens;
    }

    /// <summary>The IL opcodes by their first (or, after 0xFE, second) byte.</summary>
    static readonly OpCode[] OneByte = new OpCode[256], TwoByte = new OpCode[256];

    static IlCalls()
    {
        foreach (var f in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)f.GetValue(null)!;
            var value = (ushort)op.Value;
            if (op.Size == 1) OneByte[value] = op;
            else TwoByte[value & 0xFF] = op;
        }
    }
}
