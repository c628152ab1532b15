using static TorchSharp.torch;
var x = randn(3, 4, requires_grad: true);
var t = tensor(new long[] { 0, 1, 2 });
var l = TorchSharp.torch.nn.functional.cross_entropy(x, t);
l.backward();
Console.WriteLine($"{l.item<float>()} {x.grad!.abs().sum().item<float>()}");
