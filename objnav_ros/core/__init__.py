"""Pure core shared by every layer: actions, types, images, node graph, DDS settings."""
