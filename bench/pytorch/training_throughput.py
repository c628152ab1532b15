"""PyTorch peer for bench/TrainingThroughput: the harness's Fashion-MNIST networks rebuilt layer by layer, batch 128,
Adam 1e-3, cross-entropy, the training set in memory as one tensor, index_select batches from a fresh permutation
each epoch, the same thread count. Prints one JSON line per epoch.

    training_throughput.py MODEL [EPOCHS=3] [THREADS=1] [TRAIN_SAMPLES=0] [LAYOUT=nchw]

MODEL is mlp (784-256-128-10, ReLU) or cnn (src/Harness/Models/ModelFactory.cs, model.kind "cnn": conv 3x3 32,
ReLU, max-pool 2, conv 3x3 64, ReLU, max-pool 2, flatten, linear 3136-128, ReLU, linear 128-10, on [N, 1, 28, 28]).
TRAIN_SAMPLES > 0 trains on the first that many images only (0: all 60,000). Pixels are scaled by 1/255 and
standardized with one mean and population std over all training pixels, as the harness does. LAYOUT (cnn only) is
nchw, what a PyTorch script does by default, or channels_last: the model and every batch moved with
`.to(memory_format=torch.channels_last)`, the layout the harness's CNN trains in (src/Harness/Models/ChannelsLastLayout.cs);
that run reports runner "pytorch-channels-last".
Run with Debian's python3-torch (/usr/bin/python3) and OpenBLAS (libopenblas0-pthread); see
bench/run-training-throughput.sh."""
import gzip, json, os, sys, time
import numpy as np
import torch

model_kind = sys.argv[1] if len(sys.argv) > 1 else "mlp"
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
train_samples = int(sys.argv[4]) if len(sys.argv) > 4 else 0
layout = sys.argv[5] if len(sys.argv) > 5 else "nchw"
root = os.environ.get("FASHION_MNIST_ROOT", "/usr/share/datasets/fashion-mnist")
if model_kind not in ("mlp", "cnn"):
    sys.exit(f"model must be mlp or cnn, not '{model_kind}'")
if layout not in ("nchw", "channels_last") or (layout == "channels_last" and model_kind != "cnn"):
    sys.exit(f"layout must be nchw, or channels_last for the cnn; not '{layout}' for the {model_kind}")
channels_last = layout == "channels_last"
runner = "pytorch-channels-last" if channels_last else "pytorch"
torch.set_num_threads(threads)


def idx(name, offset):
    with gzip.open(os.path.join(root, name), "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


pixels = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)
labels = idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64)
if train_samples > 0:
    pixels, labels = pixels[:train_samples], labels[:train_samples]
x = torch.from_numpy(pixels.astype(np.float32) / 255.0)
x = (x - x.mean()) / x.std(unbiased=False)
if model_kind == "mlp":
    x = x.reshape(-1, 784)
x = x.contiguous()
y = torch.from_numpy(labels)
n = x.shape[0]


def build(kind):
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


torch.manual_seed(0)
model = build(model_kind)
if channels_last:
    model = model.to(memory_format=torch.channels_last)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
model.train()
for epoch in range(1, epochs + 1):
    g = torch.Generator().manual_seed(epoch)
    order = torch.randperm(n, generator=g)
    start = time.perf_counter()
    for s in range(0, n, 128):
        index = order[s:s + 128]
        optimizer.zero_grad()
        batch = x.index_select(0, index)
        if channels_last:
            batch = batch.to(memory_format=torch.channels_last)
        loss = loss_fn(model(batch), y.index_select(0, index))
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    print(json.dumps({"runner": runner, "model": model_kind, "epoch": epoch, "threads": threads, "samples": n,
                      "samples_per_second": round(n / seconds), "train_seconds": round(seconds, 3), "torch": torch.__version__}), flush=True)
