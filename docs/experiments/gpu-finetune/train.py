"""GPU fine-tuning experiment (exploratory, not part of the pipeline): multilingual-e5-small
fine-tuned on DAST reply stance / stance toward the submission (leave-one-topic-out) and on
the seed unit gold (leave-one-thread-out). Weights: the e5 Q4 blocks, word embeddings
pruned to the token ids these texts use (the same model on these inputs; checked against
reference embeddings of the full model)."""

import argparse, json, math, os, sys, time
from pathlib import Path
import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

HERE = Path(__file__).parent
LABELS = {
    "parent": ["support", "deny", "query", "comment"],
    "sub": ["support", "deny", "query", "comment"],
    "unit": None,
}
DEV = "cuda" if torch.cuda.is_available() else "cpu"


def load_encoder():
    m = json.loads((HERE / "model.json").read_text())
    z = np.load(HERE / "weights.npz")
    config = BertConfig(
        vocab_size=m["vocab"],
        hidden_size=m["hidden"],
        num_hidden_layers=m["layers"],
        num_attention_heads=m["heads"],
        intermediate_size=m["ffn"],
        max_position_embeddings=m["max_positions"],
        type_vocab_size=m["type_vocab"],
        layer_norm_eps=m["eps"],
        hidden_act="gelu",
        pad_token_id=1,
    )
    model = BertModel(config, add_pooling_layer=False)
    own = model.state_dict()
    sd = {}
    for key in z.files:
        kind, name = key.split(":", 1)
        a = z[key]
        if kind == "q4":
            d = a[:, :2].copy().view(np.float16).astype(np.float32)
            qs = a[:, 2:]
            low = (qs & 0x0F).astype(np.int8) - 8
            high = (qs >> 4).astype(np.int8) - 8
            a = (np.concatenate([low, high], 1).astype(np.float32) * d).reshape(-1)
        sd[name] = torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)).reshape(own[name].shape)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    assert not unexpected and all("position_ids" in k for k in missing), (missing, unexpected)
    return model, m["query_ids"]


def build(row, mode, q, budget):
    t = q + row["text"][: budget[0]]
    if mode == "T":
        return [0] + t + [2]
    if mode == "P":
        return [0] + t + [2, 2] + row["parent"][: budget[1]] + [2]
    if mode == "S":
        return [0] + t + [2, 2] + row["source"][: budget[1]] + [2]
    if mode == "C":
        return [0] + t + [2, 2] + row["parent"][: budget[1]] + [2, 2] + row["source"][: budget[2]] + [2]
    raise ValueError(mode)


class Net(nn.Module):
    def __init__(self, enc, heads, pool):
        super().__init__()
        self.enc, self.pool = enc, pool
        H = enc.config.hidden_size
        self.drop = nn.Dropout(0.1)
        if pool == "cls":
            self.pooler = nn.Sequential(nn.Linear(H, H), nn.Tanh())
        self.heads = nn.ModuleDict({k: nn.Linear(H, n) for k, n in heads.items()})

    def forward(self, ids, mask):
        h = self.enc(input_ids=ids, attention_mask=mask).last_hidden_state
        if self.pool == "mean":
            m = mask.unsqueeze(-1).to(h.dtype)
            v = (h * m).sum(1) / m.sum(1).clamp(min=1)
        else:
            v = self.pooler(h[:, 0])
        z = v
        v = self.drop(v)
        out = {k: head(v) for k, head in self.heads.items()}
        out["_z"] = z
        return out


def batches(idx, lengths, bs, rng):
    idx = list(rng.permutation(idx))
    chunk = bs * 50
    out = []
    for s in range(0, len(idx), chunk):
        c = sorted(idx[s : s + chunk], key=lambda i: lengths[i])
        out += [c[j : j + bs] for j in range(0, len(c), bs)]
    order = rng.permutation(len(out))
    return [out[i] for i in order]


def collate(seqs):
    L = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), L), 1, dtype=torch.long)
    mask = torch.zeros((len(seqs), L), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids.to(DEV, non_blocking=True), mask.to(DEV, non_blocking=True)


def supcon(z, y, tau):
    """Supervised contrastive loss (Khosla et al. 2020; for fine-tuning, Gunel et al. 2021):
    pulls the pooled vectors of same-label comments in a batch together. Anchors without a
    positive in the batch contribute nothing."""
    z = nn.functional.normalize(z, dim=-1)
    sim = z @ z.T / tau
    n = len(y)
    eye = torch.eye(n, dtype=torch.bool, device=z.device)
    sim = sim.masked_fill(eye, float("-inf"))
    logp = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    pos = (y[:, None] == y[None, :]) & ~eye
    npos = pos.sum(1)
    keep = npos > 0
    if not keep.any():
        return z.sum() * 0.0
    per = -(logp.masked_fill(~pos, 0.0).sum(1)[keep]) / npos[keep]
    return per.mean()


def param_groups(net, lr, llrd, wd=0.01):
    L = net.enc.config.num_hidden_layers
    groups = []

    def add(params, scale):
        params = [p for p in params if p.requires_grad]
        decay = [p for p in params if p.ndim > 1]
        no = [p for p in params if p.ndim <= 1]
        groups.append({"params": decay, "lr": lr * scale, "weight_decay": wd})
        groups.append({"params": no, "lr": lr * scale, "weight_decay": 0.0})

    add(net.enc.embeddings.parameters(), llrd ** (L + 1))
    for i, layer in enumerate(net.enc.encoder.layer):
        add(layer.parameters(), llrd ** (L - i))
    rest = [p for n, p in net.named_parameters() if not n.startswith("enc.")]
    add(rest, 1.0)
    return [g for g in groups if g["params"]]


def run_fold(rows, train_idx, test_idx, cfg, seed, q, enc_factory):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    tasks = cfg["tasks"]
    labels = {t: cfg["labels"][t] for t in tasks}
    enc = enc_factory()
    net = Net(enc, {t: len(labels[t]) for t in tasks}, cfg["pool"]).to(DEV)
    seqs = {i: build(rows[i], cfg["input"], q, cfg["budget"]) for i in list(train_idx) + list(test_idx)}
    lengths = {i: len(s) for i, s in seqs.items()}
    y = {t: {i: labels[t].index(rows[i]["y_" + t]) for i in train_idx} for t in tasks}
    weights = {}
    for t in tasks:
        counts = np.bincount(list(y[t].values()), minlength=len(labels[t])).astype(float)
        w = np.where(counts > 0, counts.sum() / (len(labels[t]) * np.maximum(counts, 1)), 0.0)
        weights[t] = torch.tensor(w, dtype=torch.float, device=DEV)
    steps_per_epoch = math.ceil(len(train_idx) / cfg["bs"])
    total = steps_per_epoch * cfg["epochs"]
    opt = torch.optim.AdamW(param_groups(net, cfg["lr"], cfg["llrd"]), lr=cfg["lr"], fused=DEV == "cuda")
    base = [g["lr"] for g in opt.param_groups]
    warm = int(cfg["warmup"] * total)
    step = 0
    net.train()
    for ep in range(cfg["epochs"]):
        for b in batches(list(train_idx), lengths, cfg["bs"], rng):
            ids, mask = collate([seqs[i] for i in b])
            f = step / max(1, warm) if step < warm else max(0.0, (total - step) / max(1, total - warm))
            for g, lr0 in zip(opt.param_groups, base):
                g["lr"] = lr0 * f
            with torch.autocast(DEV, dtype=torch.bfloat16, enabled=DEV == "cuda"):
                out = net(ids, mask)
            loss = 0.0
            for t in tasks:
                target = torch.tensor([y[t][i] for i in b], device=DEV)
                loss = loss + nn.functional.cross_entropy(out[t].float(), target, weight=weights[t])
                if cfg.get("scl"):
                    loss = loss + cfg["scl"] * supcon(out["_z"].float(), target, cfg.get("tau", 0.1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            step += 1
    net.eval()
    probs = {}
    order = sorted(test_idx, key=lambda i: lengths[i])
    with torch.no_grad():
        for s in range(0, len(order), 64):
            b = order[s : s + 64]
            ids, mask = collate([seqs[i] for i in b])
            with torch.autocast(DEV, dtype=torch.bfloat16, enabled=DEV == "cuda"):
                out = net(ids, mask)
            for t in tasks:
                p = torch.softmax(out[t].float(), -1).cpu().numpy()  # "_z" is not a task
                for i, pp in zip(b, p):
                    probs.setdefault(rows[i]["id"], {})[t] = dict(zip(labels[t], map(float, pp)))
    return probs


CONFIGS = {
    # the transformers backend's recipe (TransformerClassifier: CLS pooler, lr 5e-5, 3 epochs, no warm-up)
    "proj_p": dict(data="dast", tasks=["parent"], input="P", pool="cls", lr=5e-5, llrd=1.0, epochs=3, warmup=0.0),
    "st_p": dict(data="dast", tasks=["parent"], input="P", pool="mean", lr=3e-5, llrd=0.9, epochs=8, warmup=0.1),
    "st_s": dict(data="dast", tasks=["sub"], input="S", pool="mean", lr=3e-5, llrd=0.9, epochs=8, warmup=0.1),
    "mt_c": dict(data="dast", tasks=["parent", "sub"], input="C", pool="mean", lr=3e-5, llrd=0.9, epochs=8, warmup=0.1),
    "mt_c_long": dict(
        data="dast", tasks=["parent", "sub"], input="C", pool="mean", lr=5e-5, llrd=0.8, epochs=12, warmup=0.1
    ),
    "proj_s": dict(data="dast", tasks=["sub"], input="S", pool="cls", lr=5e-5, llrd=1.0, epochs=3, warmup=0.0),
    "cls_llrd_p": dict(data="dast", tasks=["parent"], input="P", pool="cls", lr=3e-5, llrd=0.9, epochs=8, warmup=0.1),
    "cls_llrd_s": dict(data="dast", tasks=["sub"], input="S", pool="cls", lr=3e-5, llrd=0.9, epochs=8, warmup=0.1),
    "cls_flat_p": dict(data="dast", tasks=["parent"], input="P", pool="cls", lr=3e-5, llrd=1.0, epochs=8, warmup=0.1),
    "cls_flat_s": dict(data="dast", tasks=["sub"], input="S", pool="cls", lr=3e-5, llrd=1.0, epochs=8, warmup=0.1),
    "unit": dict(data="unit", tasks=["unit"], input="T", pool="mean", lr=3e-5, llrd=0.9, epochs=10, warmup=0.1),
    # 2026-12-04: the same recipes with a supervised contrastive term (SetFit-like pull of
    # same-label comments together, trained jointly with the classifier)
    "scl_p": dict(
        data="dast", tasks=["parent"], input="P", pool="mean", lr=3e-5, llrd=0.9, epochs=8, warmup=0.1, scl=0.5, tau=0.1
    ),
    "scl_s": dict(
        data="dast", tasks=["sub"], input="S", pool="mean", lr=3e-5, llrd=0.9, epochs=8, warmup=0.1, scl=0.5, tau=0.1
    ),
    "scl_unit": dict(
        data="unit", tasks=["unit"], input="T", pool="mean", lr=3e-5, llrd=0.9, epochs=10, warmup=0.1, scl=0.5, tau=0.1
    ),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--deadline", type=float, default=1e18)
    ap.add_argument("--limit", type=int, default=0, help="rows per fold (local smoke test)")
    ap.add_argument("--folds", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=0)
    ap.add_argument("--done", default="", help="earlier results: skip the (seed, fold) pairs in it")
    a = ap.parse_args()
    cfg = dict(CONFIGS[a.config], bs=16, budget=(200, 120, 80))
    if a.epochs:
        cfg["epochs"] = a.epochs
    rows = [json.loads(l) for l in open(HERE / "rows.jsonl")]
    rows = [r for r in rows if r["task"] == cfg["data"]]
    if cfg["data"] == "unit":
        cfg["labels"] = {"unit": sorted({r["y_unit"] for r in rows})}
    else:
        cfg["labels"] = {t: LABELS[t] for t in cfg["tasks"]}
    enc0, q = load_encoder()
    state = {k: v.clone() for k, v in enc0.state_dict().items()}

    def enc_factory():
        e = BertModel(enc0.config, add_pooling_layer=False)
        e.load_state_dict(state, strict=False)
        return e

    groups = sorted({r["group"] for r in rows})
    if a.folds:
        groups = groups[: a.folds]
    done = set()
    if a.done and Path(a.done).exists():
        done = {(r["seed"], r["fold"]) for r in map(json.loads, open(a.done))}
    out = open(a.out, "a")
    last = 0.0
    for seed in a.seeds:
        for g in groups:
            if (seed, g) in done:
                continue
            tr = [i for i, r in enumerate(rows) if r["group"] != g]
            te = [i for i, r in enumerate(rows) if r["group"] == g]
            if a.limit:
                tr, te = tr[: a.limit], te[: a.limit // 4]
            t0 = time.time()
            if t0 + 1.3 * last > a.deadline:
                print(f"{a.config}: deadline, stop before seed {seed} fold {g}", flush=True)
                return
            probs = run_fold(rows, tr, te, cfg, seed, q, enc_factory)
            last = time.time() - t0
            out.write(
                json.dumps(
                    {
                        "config": a.config,
                        "seed": seed,
                        "fold": g,
                        "seconds": round(time.time() - t0, 1),
                        "n_train": len(tr),
                        "probs": probs,
                    }
                )
                + "\n"
            )
            out.flush()
            print(
                f"{a.config} seed {seed} fold {g}: {len(tr)} train, {len(te)} test, {time.time() - t0:.1f}s", flush=True
            )


def check():
    """Pruned Q4 model == full e5 folder on these inputs; and GPU encoder throughput."""
    enc, q = load_encoder()
    enc = enc.to(DEV).eval()
    ref = np.load(HERE / "ref.npy")
    seqs = json.loads((HERE / "ref_seqs.json").read_text())
    with torch.no_grad():
        got = []
        for s in seqs:
            ids = torch.tensor([s], device=DEV)
            h = enc(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state.mean(1)
            got.append(torch.nn.functional.normalize(h.float(), dim=-1)[0].cpu().numpy())
    cos = (np.stack(got) * ref).sum(1)
    print("check: min cosine pruned vs full e5", float(cos.min()), flush=True)
    assert cos.min() > 0.999
    rows = [json.loads(l) for l in open(HERE / "rows.jsonl")]
    texts = [[0] + q + r["text"][:254] + [2] for r in rows]
    res = {
        "min_cosine": float(cos.min()),
        "device": torch.cuda.get_device_name() if DEV == "cuda" else "cpu",
        "torch": torch.__version__,
    }
    for dtype in ("fp32", "bf16"):
        for bs in (64, 256):
            torch.cuda.synchronize() if DEV == "cuda" else None
            reps = 3 if DEV == "cuda" else 1
            t0 = time.time()
            with torch.no_grad(), torch.autocast(DEV, dtype=torch.bfloat16, enabled=dtype == "bf16" and DEV == "cuda"):
                for _ in range(reps):
                    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
                    for s in range(0, len(order), bs):
                        ids, mask = collate([texts[i] for i in order[s : s + bs]])
                        h = enc(input_ids=ids, attention_mask=mask).last_hidden_state
                        (h * mask.unsqueeze(-1)).sum(1)
            if DEV == "cuda":
                torch.cuda.synchronize()
            res[f"{dtype}_bs{bs}_texts_per_s"] = round(reps * len(texts) / (time.time() - t0), 1)
    res["n_texts"] = len(texts)
    res["mean_tokens"] = round(float(np.mean([len(t) for t in texts])), 1)
    print(json.dumps(res), flush=True)
    return res


if __name__ == "__main__":
    if sys.argv[1] == "check":
        r = check()
        if len(sys.argv) > 2:
            Path(sys.argv[2]).write_text(json.dumps(r))
    else:
        main()
