#!/usr/bin/env python3
"""Times the reference Catch-A-Waveform training per scale (docs/gpu-check.md).

Runs the reference's own per-scale trainer (training.train_single_scale of a checkout of the
authors' Catch-A-Waveform code, imported from --checkout; none of its code is copied here)
for a fixed number of epochs per scale on the same clip and rates as our run, and prints each
scale's seconds per epoch, so scripts/gpu-check/run.sh can divide them by ours.

    python3 reference-epochs.py --checkout DIR --wav clip.wav [--seconds 25]
        [--rates 320,400,...,16000] [--epochs 20] [--device cuda|cpu] [--tsv out.tsv]

Timing: a CUDA event is recorded where each epoch draws its input noise (the first call of
each epoch in train_single_scale), so an epoch is the GPU-timeline span between two epoch
starts, with no synchronisation added inside the loop; the median leaves out the first epoch
(it also draws the fixed reconstruction and sets the noise amplitude). The levels are made
here with scipy's polyphase resampler at ceil(N f / Fs) samples, as many as librosa's gives
(the timing depends on the lengths, not on the filter).

What is adapted, and said in the output when it happens (the checkout targets torch 1.9 and
librosa 0.8):
  - soundfile, librosa and bokeh are only needed for file I/O and plots: when missing they are
    replaced by stubs that fail if called (training never calls them);
  - torch.stft(return_complex=False) is gone in recent torch: then utils.mss_loss.stft is
    wrapped to return view_as_real of the complex result (the same numbers);
  - the checkout's warm start loads scale s-1 into scale s from s >= 1, which fails at scale 1
    (16 channels into 96) since its commit 9229c63; that one load is then skipped, as the
    original code did (s > 1). The time of an epoch does not depend on the initial weights.

Exit status: 0 timed; 3 not run, with one line "reference not run: <why>"; 2 bad usage.
"""

import argparse
import math
import os
import sys
import tempfile
import time
import types

NOTES = []


def not_run(why):
    print(f"reference not run: {why}", flush=True)
    sys.exit(3)


def stub_module(name):
    """A module whose every attribute is a function that fails when called."""
    module = types.ModuleType(name)

    def missing(attr):
        def fail(*_args, **_kwargs):
            raise RuntimeError(f"{name}.{attr} was called, but {name} is not installed (stubbed)")

        return fail

    module.__getattr__ = missing  # PEP 562
    module.__path__ = []  # lets "import name.sub" find the stubs below
    return module


def ensure_importable(names):
    for name in names:
        try:
            __import__(name)
        except ImportError:
            sys.modules[name] = stub_module(name)
            NOTES.append(f"{name} missing: stubbed")


def read_clip(path, seconds, top_rate):
    """Mono float32 at top_rate (down-sampled when the file is faster), cropped or looped."""
    import numpy as np

    try:
        from scipy.io import wavfile

        rate, data = wavfile.read(path)
    except ImportError:
        import wave

        with wave.open(path, "rb") as w:
            if w.getsampwidth() != 2:
                not_run(f"{path}: only 16-bit WAV without scipy")
            rate = w.getframerate()
            data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, w.getnchannels())
    data = np.asarray(data)
    if data.dtype.kind in "iu":
        data = data.astype(np.float64) / float(2 ** (8 * data.dtype.itemsize - 1))
    x = data.astype(np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    if rate > top_rate:
        x = resample(x, rate, top_rate)
        rate = top_rate
    if seconds > 0:
        want = int(round(seconds * rate))
        x = np.resize(x, want)  # crops, or repeats a short clip
    peak = np.max(np.abs(x))
    if peak == 0:
        not_run(f"{path} is silent")
    return (x / peak).astype(np.float32), rate


def resample(x, f_in, f_out):
    import numpy as np
    from scipy.signal import resample_poly

    g = math.gcd(int(f_in), int(f_out))
    y = resample_poly(x, int(f_out) // g, int(f_in) // g)
    n = math.ceil(len(x) * f_out / f_in)
    return np.resize(y, n) if len(y) != n else y


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", required=True, help="a Catch-A-Waveform checkout")
    parser.add_argument("--wav", required=True)
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--rates", default="", help="comma-separated rates to train, ascending")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--tsv", default="")
    args = parser.parse_args()
    if args.epochs < 3:
        parser.error("--epochs must be at least 3")

    checkout = os.path.abspath(args.checkout)
    if not os.path.isfile(os.path.join(checkout, "training.py")):
        not_run(f"{checkout} has no training.py (not a Catch-A-Waveform checkout)")
    try:
        import numpy as np
        import torch
    except ImportError as e:
        not_run(f"python3 cannot import {e.name} ({sys.executable})")
    if args.device == "cuda" and not torch.cuda.is_available():
        not_run(f"torch {torch.__version__} sees no CUDA device")

    ensure_importable(["soundfile", "librosa", "bokeh", "bokeh.plotting", "bokeh.palettes", "bokeh.layouts"])
    sys.path.insert(0, checkout)
    try:
        import params as ref_params
        import training
        import utils.mss_loss as mss_loss
    except Exception as e:  # noqa: BLE001 - any import failure is a reason to report
        not_run(f"importing the checkout failed: {type(e).__name__}: {e}")
    for needed in ("train_single_scale", "get_noise"):
        if not hasattr(training, needed):
            not_run(f"the checkout's training.py has no {needed} (its API differs)")

    # torch.stft(return_complex=False) was removed: same numbers through view_as_real
    try:
        torch.stft(torch.zeros(64), 16, 4, win_length=16, window=torch.hann_window(16), return_complex=False)
    except Exception:  # noqa: BLE001 - RuntimeError in torch 2.x; any failure means "wrap it"
        def stft_real(sig, n_fft, hop_length, window_size):
            window = torch.hann_window(window_size, device=sig.device)
            return torch.view_as_real(
                torch.stft(sig, n_fft, hop_length, win_length=window_size, window=window, return_complex=True))

        mss_loss.stft = stft_real
        NOTES.append("torch.stft(return_complex=False) unavailable: utils.mss_loss.stft wrapped with view_as_real")

    # the warm start at scale 1 (16 -> 96 channels) fails in the checkout since 9229c63: skip that load
    original_load = torch.nn.Module.load_state_dict

    def tolerant_load(self, state_dict, *a, **k):
        try:
            return original_load(self, state_dict, *a, **k)
        except RuntimeError as e:
            if "size mismatch" not in str(e):
                raise
            if not any("warm start" in n for n in NOTES):
                NOTES.append("warm start 16 -> 96 channels (scale 1) skipped: size mismatch in the checkout")
            return None

    torch.nn.Module.load_state_dict = tolerant_load

    if args.device == "cpu":  # a smoke test of this script: utils/resize_right.py calls .cuda()
        torch.Tensor.cuda = lambda self, *a, **k: self
        NOTES.append("--device cpu: Tensor.cuda made a no-op (the checkout's resize_right calls it)")

    top_rate = 16000
    x, Fs = read_clip(args.wav, args.seconds, top_rate)
    rates = [int(r) for r in args.rates.split(",") if r] if args.rates else None
    P = ref_params.Params()
    if rates is None:  # the reference's own list and energy rule
        rates = [f for f in P.fs_list if f <= Fs]
    if rates[-1] != Fs:
        rates.append(Fs)
    signals, fs_list = [], []
    for f in rates:
        level = x if f == Fs else resample(x, Fs, f).astype(np.float32)
        if args.rates == "" and not fs_list and float(np.mean(level.astype(np.float64) ** 2)) < P.min_energy_th:
            continue
        signals.append(torch.tensor(level))
        fs_list.append(int(f))

    device = torch.device("cuda:0" if args.device == "cuda" else "cpu")
    P.device = device
    P.is_cuda = args.device == "cuda"
    P.Fs = Fs
    P.run_mode = "normal"
    P.speech = False
    P.alpha1, P.alpha2, P.add_cond_noise = 0, 1e-4, True  # train_main's choice for music
    P.num_epochs = args.epochs
    P.scheduler_milestones = [int(args.epochs * 2 / 3)]
    P.dilation_factors = [2 ** i for i in range(P.num_layers)]
    P.fs_list = fs_list
    P.scales = [Fs / f for f in fs_list]
    P.inputs_lengths = [len(s) for s in signals]
    P.plot_losses = False
    work = tempfile.mkdtemp(prefix="caw-reference-")
    P.output_folder = work

    # epoch starts: the first get_noise call of each epoch (training.py's own name binding)
    marks = []
    original_noise = training.get_noise

    def mark():
        if P.is_cuda:
            e = torch.cuda.Event(enable_timing=True)
            e.record()
            return e
        return time.perf_counter()

    def span(a, b):
        return a.elapsed_time(b) / 1e3 if P.is_cuda else b - a

    def timed_noise(params, shape):
        marks.append(mark())
        return original_noise(params, shape)

    training.get_noise = timed_noise

    name = torch.cuda.get_device_name(0) if P.is_cuda else "CPU"
    print(f"reference: {checkout}, torch {torch.__version__}, {name}; {len(fs_list)} scales "
          f"{fs_list[0]}..{fs_list[-1]} Hz, {args.epochs} epochs each, clip {len(x) / Fs:.2f} s", flush=True)

    rows = []
    generators, amps, energies, rec_noise = [], [], [float((s.double() ** 2).mean()) for s in signals], []
    for s in range(len(fs_list)):
        marks.clear()
        if P.is_cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        try:
            with open(os.devnull, "w") as quiet:  # its per-scale prints; ours follow
                stdout, sys.stdout = sys.stdout, quiet
                try:
                    out = training.train_single_scale(P, signals, fs_list, generators, amps, energies, rec_noise)
                finally:
                    sys.stdout = stdout
        except Exception as e:  # noqa: BLE001
            not_run(f"scale {s} ({fs_list[s]} Hz) failed: {type(e).__name__}: {str(e).splitlines()[0]}")
        end = mark()
        if P.is_cuda:
            torch.cuda.synchronize()
        wall = time.perf_counter() - t0
        _, _, netG, rec_noise, amp = out
        generators.append(netG)
        amps.append(amp)
        starts = marks[-args.epochs:] + [end]
        epochs = [span(a, b) for a, b in zip(starts, starts[1:])]
        inner = sorted(epochs[1:])
        median = inner[len(inner) // 2] if len(inner) % 2 else 0.5 * (inner[len(inner) // 2 - 1] + inner[len(inner) // 2])
        rows.append((fs_list[s], len(signals[s]), args.epochs, median, sum(epochs) / len(epochs), wall))
        print(f"scale {s:2d} {fs_list[s]:5d} Hz  N {len(signals[s]):7d}  median epoch {median:.5f} s  "
              f"mean {rows[-1][4]:.5f} s  scale {wall:.2f} s", flush=True)

    for note in NOTES:
        print(f"note: {note}")
    if args.tsv:
        with open(args.tsv, "w") as f:
            f.write("rate\tN\tepochs\tmedian_s\tmean_s\tscale_s\n")
            for r in rows:
                f.write(f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]:.6f}\t{r[4]:.6f}\t{r[5]:.4f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
