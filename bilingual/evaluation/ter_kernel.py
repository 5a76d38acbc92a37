"""sacrebleu's TER search, compiled with numba.

The same algorithm as ``sacrebleu.metrics.lib_ter.translation_edit_rate``
(Tercom's greedy shift search over a beam-limited edit distance), written over
arrays of word ids so that numba can compile it: the shift candidates, their
order, the tie-breaking of edit operations and of candidates, and the limits
(beam 25, shift size 10, shift distance 50, 1,000 candidates) are sacrebleu's.
sacrebleu caches rows of the edit-distance matrix by hypothesis prefix; this
recomputes them, which gives the same rows because every shifted hypothesis
has the same length. ``tests/test_eval_ter.py`` checks equality with sacrebleu
on real system outputs and on random word sequences.

Importing this module imports numba; :mod:`bilingual.evaluation.ter` does so lazily and
falls back to pure Python where numba is missing. Compiled code is cached on
disk (``cache=True``), so only the first run on a machine pays for compiling.
"""
import math
import numpy as np
from numba import njit

# sacrebleu.metrics.lib_ter's constants (checked against it in the tests).
INF = 10**16  # _INT_INFINITY
BEAM = 25  # _BEAM_WIDTH
MAX_SHIFT_SIZE = 10  # _MAX_SHIFT_SIZE
MAX_SHIFT_DIST = 50  # _MAX_SHIFT_DIST
MAX_CANDIDATES = 1000  # _MAX_SHIFT_CANDIDATES
NOP, SUB, INS, DEL, UNDEF = 0, 1, 2, 3, 4


@njit(cache=True)
def _edit_distance(h, r, costs, ops, want_trace, trace):
    """Beam edit distance of ``h`` against ``r``; the trace of operations goes to ``trace`` when asked."""
    n_h = h.shape[0]
    n_r = r.shape[0]
    width = n_r + 1
    for j in range(width):
        costs[0, j] = j
        ops[0, j] = INS
    for i in range(1, n_h + 1):
        for j in range(width):
            costs[i, j] = INF
            ops[i, j] = UNDEF
    length_ratio = n_r / n_h
    if BEAM < length_ratio / 2:
        beam_width = int(math.ceil(length_ratio / 2 + BEAM))
    else:
        beam_width = BEAM
    for i in range(1, n_h + 1):
        pseudo_diag = int(math.floor(i * length_ratio))
        min_j = max(0, pseudo_diag - beam_width)
        max_j = width if i == n_h else min(width, pseudo_diag + beam_width)
        word = h[i - 1]
        j = min_j
        if j == 0:
            costs[i, 0] = costs[i - 1, 0] + 1
            ops[i, 0] = DEL
            j = 1
        while j < max_j:
            if word == r[j - 1]:
                best = costs[i - 1, j - 1]
                op = NOP
            else:
                best = costs[i - 1, j - 1] + 1
                op = SUB
            c = costs[i - 1, j] + 1
            if c < best:
                best = c
                op = DEL
            c = costs[i, j - 1] + 1
            if c < best:
                best = c
                op = INS
            if best < INF:
                costs[i, j] = best
                ops[i, j] = op
            j += 1
    n_trace = 0
    if want_trace:
        # trace in reverse order, then reversed in place
        i = n_h
        j = n_r
        while i > 0 or j > 0:
            op = ops[i, j]
            trace[n_trace] = op
            n_trace += 1
            if op == SUB or op == NOP:
                i -= 1
                j -= 1
            elif op == INS:
                j -= 1
            elif op == DEL:
                i -= 1
            else:
                return -1, 0
        trace[:n_trace] = trace[:n_trace][::-1].copy()
    return costs[n_h, n_r], n_trace


@njit(cache=True)
def shift_edits(h0, r):
    """Number of edits (shifts + edit distance) turning word ids ``h0`` into ``r``; both non-empty."""
    n_h = h0.shape[0]
    n_r = r.shape[0]
    costs = np.empty((n_h + 1, n_r + 1), dtype=np.int64)
    ops = np.empty((n_h + 1, n_r + 1), dtype=np.int8)
    trace = np.empty(n_h + n_r + 1, dtype=np.int8)
    h = h0.copy()
    shifted = np.empty_like(h)
    best_words = np.empty_like(h)
    align = np.empty(n_r, dtype=np.int64)
    ref_err = np.empty(n_r, dtype=np.int64)
    hyp_err = np.empty(n_h, dtype=np.int64)
    shifts = 0
    checked = 0
    while True:
        # ---- _shift(h) ----
        pre_score, n_trace = _edit_distance(h, r, costs, ops, True, trace)
        # flipped trace -> alignment: original INS (j-1 only: ref advanced) becomes DEL, DEL becomes INS
        pos_h = -1
        pos_r = -1
        n_he = 0
        n_re = 0
        for k in range(n_trace):
            op = trace[k]
            if op == INS:
                op = DEL
            elif op == DEL:
                op = INS
            if op == NOP:
                pos_h += 1
                pos_r += 1
                align[pos_r] = pos_h
                hyp_err[n_he] = 0
                ref_err[n_re] = 0
                n_he += 1
                n_re += 1
            elif op == SUB:
                pos_h += 1
                pos_r += 1
                align[pos_r] = pos_h
                hyp_err[n_he] = 1
                ref_err[n_re] = 1
                n_he += 1
                n_re += 1
            elif op == INS:
                pos_h += 1
                hyp_err[n_he] = 1
                n_he += 1
            else:
                pos_r += 1
                align[pos_r] = pos_h
                ref_err[n_re] = 1
                n_re += 1
        have_best = False
        b_score = 0
        b_len = 0
        b_nstart = 0
        b_nidx = 0
        stop = False
        for start_h in range(n_h):
            if stop:
                break
            for start_r in range(n_r):
                if stop:
                    break
                if abs(start_r - start_h) > MAX_SHIFT_DIST:
                    continue
                length = 0
                while h[start_h + length] == r[start_r + length] and length < MAX_SHIFT_SIZE:
                    length += 1
                    # ---- body of the candidate loop for (start_h, start_r, length) ----
                    skip = False
                    s = 0
                    for k in range(start_h, min(start_h + length, n_he)):
                        s += hyp_err[k]
                    if s == 0:
                        skip = True
                    if not skip:
                        s = 0
                        for k in range(start_r, min(start_r + length, n_re)):
                            s += ref_err[k]
                        if s == 0:
                            skip = True
                    if not skip:
                        if start_h <= align[start_r] and align[start_r] < start_h + length:
                            skip = True
                    if not skip:
                        prev_idx = -1
                        for offset in range(-1, length):
                            if start_r + offset == -1:
                                idx = 0
                            elif start_r + offset < n_r:
                                idx = align[start_r + offset] + 1
                            else:
                                break
                            if idx == prev_idx:
                                continue
                            prev_idx = idx
                            # _perform_shift(h, start_h, length, idx) -> shifted
                            start = start_h
                            target = idx
                            p = 0
                            if target < start:
                                for k in range(0, target):
                                    shifted[p] = h[k]; p += 1
                                for k in range(start, start + length):
                                    shifted[p] = h[k]; p += 1
                                for k in range(target, start):
                                    shifted[p] = h[k]; p += 1
                                for k in range(start + length, n_h):
                                    shifted[p] = h[k]; p += 1
                            elif target > start + length:
                                for k in range(0, start):
                                    shifted[p] = h[k]; p += 1
                                for k in range(start + length, target):
                                    shifted[p] = h[k]; p += 1
                                for k in range(start, start + length):
                                    shifted[p] = h[k]; p += 1
                                for k in range(target, n_h):
                                    shifted[p] = h[k]; p += 1
                            else:
                                for k in range(0, start):
                                    shifted[p] = h[k]; p += 1
                                for k in range(start + length, min(length + target, n_h)):
                                    shifted[p] = h[k]; p += 1
                                for k in range(start, start + length):
                                    shifted[p] = h[k]; p += 1
                                for k in range(length + target, n_h):
                                    shifted[p] = h[k]; p += 1
                            cost, _ = _edit_distance(shifted, r, costs, ops, False, trace)
                            c_score = pre_score - cost
                            checked += 1
                            better = False
                            if not have_best:
                                better = True
                            elif c_score != b_score:
                                better = c_score > b_score
                            elif length != b_len:
                                better = length > b_len
                            elif -start_h != b_nstart:
                                better = -start_h > b_nstart
                            elif -idx != b_nidx:
                                better = -idx > b_nidx
                            if better:
                                have_best = True
                                b_score = c_score
                                b_len = length
                                b_nstart = -start_h
                                b_nidx = -idx
                                best_words[:] = shifted
                        if checked >= MAX_CANDIDATES:
                            stop = True
                    # ---- end body ----
                    if stop:
                        break
                    if n_h == start_h + length or n_r == start_r + length:
                        break
        if have_best:
            delta = b_score
        else:
            delta = 0
        # ---- back in translation_edit_rate ----
        if checked >= MAX_CANDIDATES:
            break
        if delta <= 0:
            break
        shifts += 1
        h[:] = best_words
    cost, _ = _edit_distance(h, r, costs, ops, False, trace)
    return shifts + cost
