"""Entry points: the node-graph table, the launchers and the user commands (``objnav-*``).

The top layer: it may import every other package (and ``objnav_training``); nothing imports it.
"""
