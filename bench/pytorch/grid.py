#!/usr/bin/env python3
"""A harness grid run the way a plain PyTorch script runs it: sequentially, one run after another, in one process. The
peer of `harness run CONFIG` in bench/grid-throughput.py. It reads the same experiment file and trains the same runs:
tuning runs (every candidate learning rate on every tuning seed), the rate with the best mean validation score per
loss, then the evaluation runs (every seed) at that rate.

    grid.py CONFIG [--threads N] [--quiet]

Prints one JSON line per run (loss, phase, seed, rate, best validation score, last test score, seconds, the hash of
epoch 1's sample order) and a last line with the whole grid's seconds; --quiet prints only that last line.

What is the same as the harness (src/Harness): the data and its split (the shipped CSVs, the config's CSV or the
Fashion-MNIST IDX files; test split, then validation split, each a seeded stratified pick drawn from the same
System.Random streams as src/Harness/Data/DatasetLoader.cs and Splitter.cs, reimplemented below), standardization with
the training statistics (one mean and std over all pixels for images, else per feature; regression targets too),
regression outliers (Corruptions.Outliers), the network (flatten, then Linear and activation per hidden width, then
the head; built right after torch.manual_seed(run seed), as ModelFactory does, so PyTorch's default init draws from
the same generator state), Adam at the run's rate with the optional cosine schedule, the batch size, the sample order
of every epoch (torch.randperm from the generator seed of src/Harness/Training/EpochOrder.cs: the order hash printed
for epoch 1 is the `batch_order_hash` in the harness's metrics.csv when libtorch draws alike), the dropped final batch
of one sample, evaluation of validation and test after every epoch, the selected epoch (the first with the best
validation accuracy, or lowest validation RMSE), learning-rate selection, and temperature scaling after training when
the config asks. The losses: PyTorch's own where it has them (cross-entropy with label smoothing, NLL, MSE, L1, Huber,
multi-margin), focal written here.

What differs: the harness's bookkeeping (metrics.csv, summaries, checkpoints, TensorBoard events, the report and its
plots, the calibration and per-class metrics of every epoch) has no counterpart; this script computes the accuracy
or RMSE it selects by and the test score. Temperature scaling fits by LBFGS on the log temperature, not the harness's
own search. Config keys outside what the benchmark's grids use stop the script with a message (exit code 2).
Run with Debian's python3-torch (/usr/bin/python3), ideally with OMP_WAIT_POLICY=passive (see
bench/run-training-throughput.sh for why).
"""
import argparse
import gzip
import hashlib
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHIPPED = os.path.join(REPO, "src", "Harness", "Data", "Shipped")
MASK64 = (1 << 64) - 1

# Random-stream purposes of DatasetLoader (its StreamTest .. StreamTrainCorruption).
STREAM_TEST, STREAM_VALIDATION, STREAM_TRAIN_CORRUPTION = 2, 5, 6


class ConfigError(Exception):
    """A config the script cannot run as the harness would."""


class DotNetRandom:
    """System.Random(seed): .NET's seeded generator (Knuth's subtractive method), so splits match the harness's."""

    MBIG, MSEED = 2147483647, 161803398

    def __init__(self, seed):
        seeds = [0] * 56
        mj = self.MSEED - (2147483647 if seed == -2147483648 else abs(seed))
        seeds[55] = mj
        mk, ii = 1, 0
        for _ in range(1, 55):
            ii += 21
            if ii >= 55:
                ii -= 55
            seeds[ii] = mk
            mk = mj - mk
            if mk < 0:
                mk += self.MBIG
            mj = seeds[ii]
        for _ in range(4):
            for i in range(1, 56):
                n = i + 30
                if n >= 55:
                    n -= 55
                seeds[i] = (seeds[i] - seeds[1 + n] + 2 ** 31) % 2 ** 32 - 2 ** 31
                if seeds[i] < 0:
                    seeds[i] += self.MBIG
        self.seeds, self.inext, self.inextp = seeds, 0, 21

    def next(self, max_value):
        """Next(maxValue): an int in [0, max_value)."""
        self.inext = 1 if self.inext + 1 >= 56 else self.inext + 1
        self.inextp = 1 if self.inextp + 1 >= 56 else self.inextp + 1
        value = self.seeds[self.inext] - self.seeds[self.inextp]
        if value == self.MBIG:
            value -= 1
        if value < 0:
            value += self.MBIG
        self.seeds[self.inext] = value
        return int(value * (1.0 / self.MBIG) * max_value)

    def shuffle(self, items):
        """SyntheticDatasets.Shuffle: Fisher-Yates from the end."""
        for i in range(len(items) - 1, 0, -1):
            j = self.next(i + 1)
            items[i], items[j] = items[j], items[i]


def derive(seed, purpose):
    """DatasetLoader.Derive: a stream's seed from the data seed (SplitMix64's finaliser)."""
    z = ((seed & 0xFFFFFFFF) * 0x9E3779B97F4A7C15 + purpose * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return (z ^ (z >> 31)) & 0x7FFFFFFF


def share(n, fraction):
    """Splitter.Share: n * fraction rounded half away from zero."""
    return int(math.floor(n * fraction + 0.5))


def pick(classes, n, count, rng):
    """Splitter.Pick: (picked, others), both ascending; per-class quotas by largest remainder when classes is given."""
    picked = []
    if classes is None:
        order = list(range(n))
        rng.shuffle(order)
        picked = order[:count]
    else:
        labels = sorted(set(classes.tolist()))
        by_class = [list(np.flatnonzero(classes == c)) for c in labels]
        exact = [count * len(g) / n for g in by_class]
        quota = [int(math.floor(e)) for e in exact]
        left = count - sum(quota)
        for c in sorted(range(len(by_class)), key=lambda c: (-(exact[c] - quota[c]), c))[:left]:
            quota[c] += 1
        for c, members in enumerate(by_class):
            rng.shuffle(members)
            picked += members[:quota[c]]
    chosen = np.zeros(n, dtype=bool)
    chosen[np.asarray(picked, dtype=np.int64)] = True
    return np.flatnonzero(chosen), np.flatnonzero(~chosen)


def read_csv(path, target_column):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        header = f.readline().strip().split(",")
        rows = [line.strip().split(",") for line in f if line.strip()]
    if target_column not in header:
        raise ConfigError(f"{path}: no column '{target_column}'")
    t = header.index(target_column)
    features = np.array([[float(v) for i, v in enumerate(r) if i != t] for r in rows], dtype=np.float32)
    return features, [r[t] for r in rows]


def class_indices(labels):
    """TabularDatasets.MapClasses for numeric labels: sorted distinct values to 0..K-1."""
    values = np.array([float(v) for v in labels])
    distinct = np.unique(values)
    return np.searchsorted(distinct, values).astype(np.int64), len(distinct)


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


class Dataset:
    """The pool (and own test split) of a config's dataset, loaded once; split() prepares one data seed's splits."""

    def __init__(self, section, config_dir):
        known = {"name", "validationFraction", "testFraction", "csv", "corruption", "root"}
        if set(section) - known:
            raise ConfigError(f"dataset keys not supported here: {sorted(set(section) - known)}")
        self.name = section.get("name", "digits")
        self.validation_fraction = section.get("validationFraction", 0.1)
        self.test_fraction = section.get("testFraction", 0.2)
        corruption = section.get("corruption", {})
        if set(corruption) - {"outlierFraction", "outlierScale"}:
            raise ConfigError(f"corruptions not supported here: {sorted(set(corruption) - {'outlierFraction', 'outlierScale'})}")
        self.outlier_fraction = corruption.get("outlierFraction", 0.0)
        self.outlier_scale = corruption.get("outlierScale", 10.0)
        self.pixels = False
        self.own_test = None
        if self.name in ("digits", "breast-cancer"):
            file = {"digits": "digits.csv.gz", "breast-cancer": "breast_cancer.csv.gz"}[self.name]
            x, labels = read_csv(os.path.join(SHIPPED, file), "target")
            self.classes = True
        elif self.name == "csv":
            csv = section.get("csv", {})
            if set(csv) - {"path", "targetColumn", "task"}:
                raise ConfigError(f"dataset.csv keys not supported here: {sorted(set(csv) - {'path', 'targetColumn', 'task'})}")
            x, labels = read_csv(os.path.join(config_dir, csv["path"]), csv["targetColumn"])
            values = [float(v) for v in labels]
            # CsvTaskInference: numbers with fractions are a regression target.
            self.classes = csv.get("task", "regression" if any(v != int(v) for v in values) else "classification") == "classification"
        elif self.name == "fashion-mnist":
            root = section.get("root") or os.environ.get("FASHION_MNIST_ROOT", "/usr/share/datasets/fashion-mnist")
            x = idx(os.path.join(root, "train-images-idx3-ubyte.gz"), 16).reshape(-1, 784)
            labels = idx(os.path.join(root, "train-labels-idx1-ubyte.gz"), 8).astype(np.int64)
            test_x = idx(os.path.join(root, "t10k-images-idx3-ubyte.gz"), 16).reshape(-1, 784)
            test_y = idx(os.path.join(root, "t10k-labels-idx1-ubyte.gz"), 8).astype(np.int64)
            self.own_test, self.classes, self.pixels = (test_x, test_y), True, True
        else:
            raise ConfigError(f"dataset '{self.name}' is not supported here")
        self.x = x
        if self.pixels:
            self.y, self.class_count = labels, 10
        elif self.classes:
            self.y, self.class_count = class_indices(labels)
        else:
            self.y, self.class_count = np.array([float(v) for v in labels]), 0
        if self.outlier_fraction > 0 and self.classes:
            raise ConfigError("outliers apply to regression targets only")

    def split(self, seed):
        """Train, validation and test tensors of one data seed, and the target std (1 for classes)."""
        strata = self.y if self.classes else None
        if self.own_test is not None:
            pool_x, pool_y, (test_x, test_y) = self.x, self.y, self.own_test
        else:
            n = len(self.y)
            picked, rest = pick(strata, n, share(n, self.test_fraction), DotNetRandom(derive(seed, STREAM_TEST)))
            pool_x, pool_y, test_x, test_y = self.x[rest], self.y[rest], self.x[picked], self.y[picked]
        n = len(pool_y)
        validation, train = pick(pool_y if self.classes else None, n, share(n, self.validation_fraction),
                                 DotNetRandom(derive(seed, STREAM_VALIDATION)))
        train_x, train_y, val_x, val_y = pool_x[train], pool_y[train], pool_x[validation], pool_y[validation]
        if self.pixels:
            # Standardizer.Fit on pixels: one mean and population std over every training pixel of v / 255f.
            values = (np.arange(256, dtype=np.float32) / np.float32(255)).astype(np.float64)
            histogram = np.bincount(train_x.reshape(-1), minlength=256).astype(np.float64)
            mean = (histogram * values).sum() / histogram.sum()
            std = math.sqrt((histogram * (values - mean) ** 2).sum() / histogram.sum())
            lookup = ((values - mean) / std).astype(np.float32)
            train_x, val_x, test_x = lookup[train_x], lookup[val_x], lookup[test_x]
        else:
            mean = train_x.astype(np.float64).mean(axis=0)
            std = train_x.astype(np.float64).std(axis=0)
            std[std <= 1e-12] = 1.0
            train_x, val_x, test_x = (((a - mean) / std).astype(np.float32) for a in (train_x, val_x, test_x))
        target_std = 1.0
        if not self.classes:
            target_mean, target_std = train_y.mean(), train_y.std()
            target_std = target_std if target_std > 1e-12 else 1.0
            train_y, val_y, test_y = ((a - target_mean) / target_std for a in (train_y, val_y, test_y))
            if self.outlier_fraction > 0:
                rng = DotNetRandom(derive(seed, STREAM_TRAIN_CORRUPTION))
                order = list(range(len(train_y)))
                rng.shuffle(order)
                train_y = train_y.copy()
                for i in order[:share(len(train_y), self.outlier_fraction)]:
                    train_y[i] += self.outlier_scale * (-1 if rng.next(2) == 0 else 1)
        dtype = torch.int64 if self.classes else torch.float32
        tensors = [(torch.from_numpy(np.ascontiguousarray(a)), torch.as_tensor(b, dtype=dtype))
                   for a, b in ((train_x, train_y), (val_x, val_y), (test_x, test_y))]
        return tensors, target_std


def focal(gamma):
    def loss(raw, y):
        log_pt = F.log_softmax(raw, dim=1).gather(1, y.unsqueeze(1)).squeeze(1)
        return (-(1 - log_pt.exp()) ** gamma * log_pt).mean()
    return loss


def make_loss(entry, classes, class_count):
    """The loss of a config entry as a function of (raw outputs, targets)."""
    name, options = entry["loss"].removeprefix("builtin:"), entry.get("options", {})
    activation, encoding = entry.get("activation", "none"), entry.get("targetEncoding", "index" if classes else "value")
    pairs = {("cross-entropy", "none"), ("nll", "log-softmax"), ("mse", "softmax"), ("multi-margin", "none"), ("focal", "none"),
             ("mse", "none"), ("l1", "none"), ("huber", "none")}
    if (name, activation) not in pairs or (name == "mse" and classes and encoding != "one-hot"):
        raise ConfigError(f"loss '{entry['loss']}' with activation '{activation}' is not supported here")
    if name == "cross-entropy":
        return lambda raw, y: F.cross_entropy(raw, y, label_smoothing=options.get("label_smoothing", 0.0))
    if name == "nll":
        return lambda raw, y: F.nll_loss(F.log_softmax(raw, dim=1), y)
    if name == "multi-margin":
        return lambda raw, y: F.multi_margin_loss(raw, y, p=options.get("p", 1), margin=options.get("margin", 1.0))
    if name == "focal":
        return focal(options.get("gamma", 2.0))
    if name == "mse" and classes:
        return lambda raw, y: F.mse_loss(F.softmax(raw, dim=1), F.one_hot(y, class_count).to(raw.dtype))
    if name == "mse":
        return lambda raw, y: F.mse_loss(raw.squeeze(1), y)
    if name == "l1":
        return lambda raw, y: F.l1_loss(raw.squeeze(1), y)
    return lambda raw, y: F.huber_loss(raw.squeeze(1), y, delta=options.get("delta", 1.0))


def build(model, inputs, outputs, seed):
    """ModelFactory.Build for an MLP: flatten, Linear + activation per hidden width, head; after manual_seed(seed)."""
    if set(model) - {"kind", "hidden", "activation"} or model.get("kind", "mlp") != "mlp":
        raise ConfigError(f"only a plain MLP (kind, hidden, activation) is supported here, not {model}")
    activations = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "gelu": torch.nn.GELU, "sigmoid": torch.nn.Sigmoid}
    activation = activations.get(model.get("activation", "relu"))
    if activation is None:
        raise ConfigError(f"model.activation '{model['activation']}' is not supported here")
    torch.manual_seed(seed)
    layers, width = [torch.nn.Flatten()], inputs
    for hidden in model.get("hidden", []):
        layers += [torch.nn.Linear(width, hidden), activation()]
        width = hidden
    return torch.nn.Sequential(*layers, torch.nn.Linear(width, outputs))


def epoch_order(seed, epoch, count):
    """EpochOrder.Permutation: randperm from a generator seeded by (seed, epoch)."""
    generator_seed = ((seed & MASK64) * 0x9E3779B97F4A7C15 + epoch + 1) & MASK64
    return torch.randperm(count, generator=torch.Generator().manual_seed(generator_seed), dtype=torch.int64)


class Grid:
    def __init__(self, path):
        with open(path) as f:
            config = json.load(f)
        known = {"$schema", "name", "description", "dataset", "model", "training", "seeds", "tuning", "calibration",
                 "losses", "convergenceTarget", "threads", "baseline"}
        if set(config) - known:
            raise ConfigError(f"config keys not supported here: {sorted(set(config) - known)}")
        training = config.get("training", {})
        if set(training) - {"epochs", "batchSize", "optimizer", "schedule"}:
            raise ConfigError(f"training keys not supported here: {sorted(set(training) - {'epochs', 'batchSize', 'optimizer', 'schedule'})}")
        optimizer = training.get("optimizer", {})
        if optimizer.get("name", "adam") != "adam" or set(optimizer) - {"name", "learningRate"}:
            raise ConfigError(f"only Adam with a learning rate is supported here, not {optimizer}")
        schedule = training.get("schedule", {}).get("name", "none")
        if schedule not in ("none", "cosine"):
            raise ConfigError(f"schedule '{schedule}' is not supported here")
        self.dataset = Dataset(config.get("dataset", {}), os.path.dirname(os.path.abspath(path)))
        self.model, self.cosine = config.get("model", {"kind": "mlp", "hidden": [64]}), schedule == "cosine"
        self.epochs, self.batch_size = training.get("epochs", 10), training.get("batchSize", 64)
        self.learning_rate = optimizer.get("learningRate", 1e-3)
        self.seeds = config.get("seeds", [0, 1, 2])
        tuning = config.get("tuning", {})
        self.rates, self.tuning_seeds = tuning.get("learningRates", []), tuning.get("seeds", [])
        self.temperature_scaling = config.get("calibration", {}).get("temperatureScaling", False)
        self.threads = config.get("threads")
        classes = self.dataset.classes
        self.losses = [(e.get("displayName", e["loss"]), make_loss(e, classes, self.dataset.class_count)) for e in config["losses"]]

    def run(self, loss, seed, rate, data, target_std):
        (train_x, train_y), (val_x, val_y), (test_x, test_y) = data
        classes = self.dataset.classes
        model = build(self.model, int(np.prod(train_x.shape[1:])), self.dataset.class_count if classes else 1, seed)
        optimizer = torch.optim.Adam(model.parameters(), lr=rate)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, self.epochs) if self.cosine else None
        torch.manual_seed(seed)
        n, size = train_x.shape[0], self.batch_size
        count = -(-n // size)
        if count > 1 and n % size == 1:
            count -= 1
        best, first_hash, score = None, None, None
        for epoch in range(1, self.epochs + 1):
            order = epoch_order(seed, epoch, n)
            if epoch == 1:
                first_hash = hashlib.sha256(order.numpy().astype("<i8").tobytes()).hexdigest()[:16]
            model.train()
            for b in range(count):
                index = order[b * size:(b + 1) * size]
                optimizer.zero_grad()
                value = loss(model(train_x.index_select(0, index)), train_y.index_select(0, index))
                if not math.isfinite(value.item()):
                    return None, None, first_hash
                value.backward()
                optimizer.step()
            if schedule is not None:
                schedule.step()
            model.eval()
            with torch.no_grad():
                val, test = (self.score(model(x), y, target_std) for x, y in ((val_x, val_y), (test_x, test_y)))
            if best is None or (val > best if classes else val < best):
                best = val
            score = test
        if self.temperature_scaling and classes:
            self.calibrate(model, val_x, val_y, test_x, test_y)
        return best, score, first_hash

    def score(self, raw, y, target_std):
        """Accuracy, or RMSE in the target's units."""
        if self.dataset.classes:
            return (raw.argmax(1) == y).double().mean().item()
        return ((raw.squeeze(1) - y).double().pow(2).mean().sqrt() * target_std).item()

    @staticmethod
    def calibrate(model, val_x, val_y, test_x, test_y):
        """Temperature scaling: the temperature that minimizes validation NLL, then the test NLL at it."""
        with torch.no_grad():
            val_logits, test_logits = model(val_x), model(test_x)
        log_t = torch.zeros(1, requires_grad=True)
        optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=50)

        def closure():
            optimizer.zero_grad()
            value = F.cross_entropy(val_logits / log_t.exp(), val_y)
            value.backward()
            return value
        optimizer.step(closure)
        with torch.no_grad():
            return F.cross_entropy(test_logits / log_t.exp(), test_y).item()

    def run_all(self, quiet):
        """Tuning runs, the chosen rates, evaluation runs; seed-major within each phase so each seed's data is split once."""
        def phase(name, plan):
            results = {}
            for seed in sorted({s for _, s, _ in plan}):
                data, target_std = self.dataset.split(seed)
                for i, s, rate in plan:
                    if s != seed:
                        continue
                    start = time.perf_counter()
                    best, test, order_hash = self.run(self.losses[i][1], seed, rate, data, target_std)
                    results[(i, seed, rate)] = best
                    if not quiet:
                        print(json.dumps({"phase": name, "loss": self.losses[i][0], "seed": seed, "learning_rate": rate,
                                          "best_validation": best, "last_test": test, "seconds": round(time.perf_counter() - start, 3),
                                          "epoch1_order_hash": order_hash}), flush=True)
            return results

        chosen = [self.learning_rate] * len(self.losses)
        if self.rates and self.tuning_seeds:
            tuned = phase("tuning", [(i, s, r) for i in range(len(self.losses)) for r in self.rates for s in self.tuning_seeds])
            for i in range(len(self.losses)):
                means = [(r, [tuned[(i, s, r)] for s in self.tuning_seeds]) for r in self.rates]
                finite = [(r, sum(v) / len(v)) for r, v in means if all(x is not None for x in v)]
                if finite:
                    pick_best = max if self.dataset.classes else min
                    # The first listed rate wins ties (max and min return the first of equals).
                    chosen[i] = pick_best(finite, key=lambda rm: rm[1])[0]
                else:
                    chosen[i] = self.rates[0]
        phase("evaluation", [(i, s, chosen[i]) for i in range(len(self.losses)) for s in self.seeds])
        return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", help="a harness experiment file")
    parser.add_argument("--threads", type=int, help="torch threads (default: the config's, else every core)")
    parser.add_argument("--quiet", action="store_true", help="print only the final line")
    args = parser.parse_args()
    start = time.perf_counter()
    try:
        grid = Grid(args.config)
    except (ConfigError, OSError, KeyError, ValueError) as e:
        print(f"error: {args.config}: {e}", file=sys.stderr)
        sys.exit(2)
    threads = args.threads or grid.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    chosen = grid.run_all(args.quiet)
    print(json.dumps({"grid": os.path.basename(args.config), "threads": threads, "torch": torch.__version__,
                      "chosen_rates": chosen, "seconds": round(time.perf_counter() - start, 3)}), flush=True)


if __name__ == "__main__":
    main()
