#!/usr/bin/env python3
"""
Learns a Mealy machine with AALpy, the reference learner that test/learn/aalpy.test.ts holds our
L# (src/learn/lsharp.ts) against (issue 27).

usage: aalpy_learn.py MACHINE.json [--algorithm lstar|kv] [--oracle perfect|random-wmethod]
                      [--seed N] [--walks-per-state N] [--walk-len N]

MACHINE.json is a machine in src/learn/mealy.ts's shape: {"inputs": [...], "next": [[...]],
"out": [[...]]}, state 0 initial, next[s][i] and out[s][i] the target and the output of state s on
inputs[i]. The machine becomes an AALpy SUL (reset to state 0, one transition per step) and is
learnt with run_Lstar or run_KV. The equivalence oracle is either

- perfect: AALpy's PerfectKnowledgeEqOracle, a bisimulation check of the hypothesis against the
  machine itself (exact; the counterpart of mealy.ts's `equivalent` in the TypeScript test), or
- random-wmethod: AALpy's RandomWMethodEqOracle (random walks from each hypothesis state ended by
  a word of its characterisation set), seeded, so the same run twice is the same run.

Prints one JSON line on stdout: {"states", "queries" (output queries that reached the SUL, after
AALpy's cache), "steps" (their inputs), "rounds" (hypotheses), "oracleQueries", "oracleSteps"
(the equivalence oracle's tests), "exact" (the result is bisimilar to the machine), "seconds",
"algorithm", "oracle", "aalpy" (the installed version)}. AALpy's own messages go to stderr.
Exits 2 on a bad argument or machine, 1 when AALpy is missing or learning fails.
"""
import argparse
import contextlib
import json
import random
import sys
import time


def fail(code, message):
    print(f'aalpy_learn.py: {message}', file=sys.stderr)
    sys.exit(code)


def read_machine(path):
    """The machine in `path`, checked: every row complete, every target a state, outputs strings."""
    try:
        with open(path, encoding='utf-8') as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        fail(2, f'cannot read a machine from {path}: {e}')
    if not isinstance(m, dict) or not all(k in m for k in ('inputs', 'next', 'out')):
        fail(2, f'{path}: expected an object with "inputs", "next" and "out"')
    inputs, nxt, out = m['inputs'], m['next'], m['out']
    if not isinstance(inputs, list) or not inputs or not all(isinstance(a, str) for a in inputs):
        fail(2, f'{path}: "inputs" must be a non-empty list of strings')
    if len(set(inputs)) != len(inputs):
        fail(2, f'{path}: "inputs" has a duplicate')
    if not isinstance(nxt, list) or not nxt or not isinstance(out, list) or len(out) != len(nxt):
        fail(2, f'{path}: "next" and "out" must be non-empty lists with one row per state')
    n = len(nxt)
    for s in range(n):
        row, orow = nxt[s], out[s]
        if not isinstance(row, list) or len(row) != len(inputs):
            fail(2, f'{path}: next[{s}] must have one target per input')
        if not all(isinstance(t, int) and not isinstance(t, bool) and 0 <= t < n for t in row):
            fail(2, f'{path}: next[{s}] has a target that is not a state (0..{n - 1})')
        if not isinstance(orow, list) or len(orow) != len(inputs) or not all(isinstance(o, str) for o in orow):
            fail(2, f'{path}: out[{s}] must have one string output per input')
    return inputs, nxt, out


def main():
    parser = argparse.ArgumentParser(description='Learn a JSON Mealy machine with AALpy; print one JSON line.')
    parser.add_argument('machine', help='the machine: {"inputs": [...], "next": [[...]], "out": [[...]]}')
    parser.add_argument('--algorithm', choices=('lstar', 'kv'), default='lstar')
    parser.add_argument('--oracle', choices=('perfect', 'random-wmethod'), default='perfect')
    parser.add_argument('--seed', type=int, default=1, help="seed of Python's random (the random oracle's walks)")
    parser.add_argument('--walks-per-state', type=int, default=200, help='random-wmethod: walks from each hypothesis state')
    parser.add_argument('--walk-len', type=int, default=20, help='random-wmethod: the longest random middle part')
    args = parser.parse_args()  # exits 2 with argparse's message on a bad argument
    inputs, nxt, out = read_machine(args.machine)

    try:
        from importlib.metadata import version
        from aalpy.base import SUL
        from aalpy.automata import MealyMachine, MealyState
        from aalpy.learning_algs import run_KV, run_Lstar
        from aalpy.oracles import PerfectKnowledgeEqOracle, RandomWMethodEqOracle
        from aalpy.utils import bisimilar
    except ImportError as e:
        fail(1, f'AALpy is not importable from {sys.executable} ({e}); make learn-deps installs it in .venv/learn')

    class MachineSUL(SUL):
        """The JSON machine as a system under learning: a current state, reset to 0 before each query."""

        def __init__(self):
            super().__init__()
            self.index = {a: i for i, a in enumerate(inputs)}
            self.state = 0

        def pre(self):
            self.state = 0

        def post(self):
            pass

        def step(self, letter):
            i = self.index[letter]
            o = out[self.state][i]
            self.state = nxt[self.state][i]
            return o

    # The same machine as an AALpy automaton: what the perfect oracle and the final check compare with.
    states = [MealyState(f's{s}') for s in range(len(nxt))]
    for s, state in enumerate(states):
        for i, a in enumerate(inputs):
            state.transitions[a] = states[nxt[s][i]]
            state.output_fun[a] = out[s][i]
    truth = MealyMachine(states[0], states)

    random.seed(args.seed)
    sul = MachineSUL()
    alphabet = list(inputs)
    if args.oracle == 'perfect':
        oracle = PerfectKnowledgeEqOracle(alphabet, sul, truth)
    else:
        oracle = RandomWMethodEqOracle(alphabet, sul, walks_per_state=args.walks_per_state, walk_len=args.walk_len)
    learner = run_Lstar if args.algorithm == 'lstar' else run_KV

    started = time.monotonic()
    try:
        # print_level 0 already silences AALpy; the redirect keeps stdout to our one line whatever it prints.
        with contextlib.redirect_stdout(sys.stderr):
            model, info = learner(alphabet, sul, oracle, automaton_type='mealy', return_data=True, print_level=0)
    except Exception as e:  # AALpy's own failure (say, a nondeterminism it detected): report it, not a traceback
        fail(1, f'AALpy {args.algorithm} failed on {args.machine}: {type(e).__name__}: {e}')
    seconds = time.monotonic() - started

    print(json.dumps({
        'states': len(model.states),
        'queries': info['queries_learning'],
        'steps': info['steps_learning'],
        'rounds': info['learning_rounds'],
        'oracleQueries': info['queries_eq_oracle'],
        'oracleSteps': info['steps_eq_oracle'],
        'exact': bool(bisimilar(model, truth)),
        'seconds': round(seconds, 3),
        'algorithm': args.algorithm,
        'oracle': args.oracle,
        'aalpy': version('aalpy'),
    }))


if __name__ == '__main__':
    main()
