"""PyTorch peer for bench/TrainingThroughput: the same Fashion-MNIST MLP (784-256-128-10), batch 128, Adam 1e-3,
cross-entropy, whole set in memory as tensors, index_select batches from a fresh permutation each epoch, the
same thread count. Prints one JSON line per epoch. Run with Debian's python3-torch (/usr/bin/python3) and
OpenBLAS (libopenblas0-pthread); see bench/run-training-throughput.sh."""
import gzip, json, os, sys, time
import numpy as np
import torch

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
root = os.environ.get("FASHION_MNIST_ROOT", "/usr/share/datasets/fashion-mnist")
torch.set_num_threads(threads)

def idx(name, offset):
    with gzip.open(os.path.join(root, name), "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)

x = torch.from_numpy(idx("train-images-idx3-ubyte.gz", 16).astype(np.float32).reshape(-1, 784) / 255.0)
x = (x - x.mean()) / x.std()
y = torch.from_numpy(idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64))
n = x.shape[0]

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
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
        loss = loss_fn(model(x.index_select(0, index)), y.index_select(0, index))
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    print(json.dumps({"runner": "pytorch", "epoch": epoch, "threads": threads, "samples_per_second": round(n / seconds), "train_seconds": round(seconds, 3), "torch": torch.__version__}), flush=True)
