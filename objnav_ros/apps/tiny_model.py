"""Build a tiny random-weight Qwen2.5-VL model folder offline and print its path."""

from __future__ import annotations

import argparse

from objnav_ros.policy.tiny_model import SIZES, VOCABS, build_tiny_model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="objnav-tiny-model", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="folder to write (reused when it holds the same build)")
    parser.add_argument("--vocab", choices=VOCABS, default="qwen", help="tokenizer vocabulary")
    parser.add_argument("--seed", type=int, default=0, help="weight initialisation seed")
    parser.add_argument("--size", choices=SIZES, default="test", help="architecture")
    args = parser.parse_args(argv)
    print(build_tiny_model(args.out_dir, vocab=args.vocab, seed=args.seed, size=args.size))


if __name__ == "__main__":
    main()
