"""Headless RGB + metric depth (+ semantic labels) of a triangle soup with moderngl (EGL, llvmpipe).

One GL context, one vertex buffer and one framebuffer per renderer, all reused every frame;
the context is made current for each frame, so several renderers can share a thread.
Back faces are culled except on double-sided triangles (glTF ``doubleSided``), as habitat
does; culling roughly halves the fragment work of closed meshes such as walls.
Shading is half-Lambert (``0.5 + 0.5 n.l``, so no two face orientations look alike) from a
fixed light plus ambient, per-face normals turned towards the camera (two-sided), times the
vertex colour. Depth is the distance along the optical axis
in metres, written by the fragment shader into a float colour attachment (0 = no hit).
Given per-triangle labels (0..255), the same pass also writes each pixel's label into an
8-bit attachment (0 where nothing was hit); without them that attachment is not built.
"""

from __future__ import annotations

import math

import numpy as np

NEAR_M = 0.01
FAR_M = 200.0
LIGHT_DIRECTION = (0.35, 0.55, 0.75)  # towards the light, world Z-up
AMBIENT = 0.25

_VERTEX_SHADER = """
#version 330
uniform mat4 view;
uniform mat4 projection;
in vec3 in_position;
in vec3 in_normal;
in vec3 in_color;
out vec3 v_position;
out vec3 v_normal;
out vec3 v_color;
out float v_depth;
#ifdef SEMANTIC
in float in_label;
flat out float v_label;
#endif
void main() {
    vec4 eye_position = view * vec4(in_position, 1.0);
    v_position = in_position;
    v_normal = in_normal;
    v_color = in_color;
    v_depth = -eye_position.z;
#ifdef SEMANTIC
    v_label = in_label;
#endif
    gl_Position = projection * eye_position;
}
"""

_FRAGMENT_SHADER = """
#version 330
uniform vec3 eye;
uniform vec3 light_direction;
uniform float ambient;
in vec3 v_position;
in vec3 v_normal;
in vec3 v_color;
in float v_depth;
layout(location = 0) out vec4 out_color;
layout(location = 1) out float out_depth;
#ifdef SEMANTIC
flat in float v_label;
layout(location = 2) out float out_label;  // normalised 8-bit: label / 255
#endif
void main() {
    vec3 normal = normalize(v_normal);
    if (dot(normal, eye - v_position) < 0.0) {
        normal = -normal;
    }
    float diffuse = 0.5 + 0.5 * dot(normal, light_direction);
    out_color = vec4(v_color * (ambient + (1.0 - ambient) * diffuse), 1.0);
    out_depth = v_depth;
#ifdef SEMANTIC
    out_label = v_label / 255.0;
#endif
}
"""


class Renderer:
    """Draws one scene from a pinhole camera into reused offscreen buffers."""

    def __init__(
        self,
        triangles: np.ndarray,
        colors: np.ndarray,
        double_sided: np.ndarray,
        width: int,
        height: int,
        hfov_deg: float,
        labels: np.ndarray | None = None,
    ) -> None:
        """``labels``: per-triangle uint8 semantic labels; None renders no semantic image."""
        import moderngl  # lazily: only processes that render need it

        self.width, self.height = int(width), int(height)
        self.semantic = labels is not None
        order = np.argsort(np.asarray(double_sided, dtype=bool), kind="stable")
        self._vertices = 3 * len(order)
        self._single_sided_vertices = 3 * int(np.count_nonzero(~np.asarray(double_sided)))
        attributes = ["in_position", "in_normal", "in_color"]
        columns = [triangles[order], colors[order]]
        if self.semantic:
            attributes.append("in_label")
            columns.append(np.repeat(np.asarray(labels, dtype=np.float32)[order, None, None], 3, 1))
        self._ctx = moderngl.create_standalone_context(backend="egl")
        try:
            self._program = self._ctx.program(
                vertex_shader=_variant(_VERTEX_SHADER, self.semantic),
                fragment_shader=_variant(_FRAGMENT_SHADER, self.semantic),
            )
            self._vbo = self._ctx.buffer(_vertex_data(*columns))
            layout = "3f 3f 3f 1f" if self.semantic else "3f 3f 3f"
            self._vao = self._ctx.vertex_array(self._program, [(self._vbo, layout, *attributes)])
            size = (self.width, self.height)
            attachments = [
                self._ctx.renderbuffer(size, components=4),
                self._ctx.renderbuffer(size, components=1, dtype="f4"),
            ]
            if self.semantic:
                attachments.append(self._ctx.renderbuffer(size, components=1, dtype="f1"))
            self._fbo = self._ctx.framebuffer(
                color_attachments=attachments,
                depth_attachment=self._ctx.depth_renderbuffer(size),
            )
        except Exception:
            self._ctx.release()
            raise
        light = np.asarray(LIGHT_DIRECTION, dtype=np.float32)
        self._program["light_direction"].value = tuple(light / np.linalg.norm(light))
        self._program["ambient"].value = AMBIENT
        self._program["projection"].write(
            _projection(hfov_deg, self.width, self.height).T.astype(np.float32).tobytes()
        )

    def render(
        self, eye: np.ndarray, yaw: float, pitch: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """RGB (H, W, 3) uint8, depth (H, W) float32 metres and labels (H, W) uint8 or None.

        ``yaw`` turns the optical axis counter-clockwise from +x, ``pitch`` tilts it up
        (radians); image row 0 is the top of the picture.
        """
        eye = np.asarray(eye, dtype=np.float64)
        with self._ctx:  # make this renderer's context current: several may share a thread
            self._program["view"].write(view_matrix(eye, yaw, pitch).T.astype(np.float32).tobytes())
            self._program["eye"].value = tuple(float(v) for v in eye)
            self._fbo.use()
            self._fbo.clear(0.0, 0.0, 0.0, 0.0, depth=1.0)
            self._ctx.front_face = "cw"  # the projection's flipped y turns counter-clockwise to cw
            self._ctx.enable(self._ctx.DEPTH_TEST | self._ctx.CULL_FACE)
            single, triangles = self._single_sided_vertices, self._ctx.TRIANGLES
            if single:
                self._vao.render(triangles, vertices=single)
            self._ctx.disable(self._ctx.CULL_FACE)
            if self._vertices > single:
                self._vao.render(triangles, vertices=self._vertices - single, first=single)
            rgb = np.empty((self.height, self.width, 3), dtype=np.uint8)
            depth = np.empty((self.height, self.width), dtype=np.float32)
            self._fbo.read_into(rgb, components=3, attachment=0)
            self._fbo.read_into(depth, components=1, attachment=1, dtype="f4")
            labels = None
            if self.semantic:
                labels = np.empty((self.height, self.width), dtype=np.uint8)
                self._fbo.read_into(labels, components=1, attachment=2, dtype="f1")
        return rgb, depth, labels

    def close(self) -> None:
        """Release the GL context and everything it holds."""
        self._ctx.release()


def _variant(source: str, semantic: bool) -> str:
    """The shader source, with ``SEMANTIC`` defined (right after ``#version``) when asked."""
    if not semantic:
        return source
    version, rest = source.lstrip().split("\n", 1)
    return f"{version}\n#define SEMANTIC\n{rest}"


def _vertex_data(triangles: np.ndarray, colors: np.ndarray, *extra: np.ndarray) -> bytes:
    """Interleaved per-vertex position, face normal, colour and any ``extra`` (T, 3, k) columns."""
    tris = np.asarray(triangles, dtype=np.float32)
    normals = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
    normals = np.repeat(normals[:, None, :], 3, axis=1)
    columns = [tris, normals, np.asarray(colors, dtype=np.float32), *extra]
    return np.ascontiguousarray(np.concatenate(columns, axis=2), dtype=np.float32).tobytes()


def _projection(hfov_deg: float, width: int, height: int) -> np.ndarray:
    """OpenGL perspective matrix with square pixels, flipped so row 0 is the image top."""
    fx = 1.0 / math.tan(math.radians(hfov_deg) / 2)
    fy = fx * width / height
    a = (FAR_M + NEAR_M) / (NEAR_M - FAR_M)
    b = 2 * FAR_M * NEAR_M / (NEAR_M - FAR_M)
    return np.array([[fx, 0, 0, 0], [0, -fy, 0, 0], [0, 0, a, b], [0, 0, -1, 0]], dtype=np.float64)


def view_matrix(eye: np.ndarray, yaw: float, pitch: float) -> np.ndarray:
    """World-to-camera 4x4 of a camera at ``eye`` looking along (yaw, pitch), world +z up.

    The camera frame is OpenGL's: x right, y up, looking along -z.
    """
    forward = np.array(
        [math.cos(pitch) * math.cos(yaw), math.cos(pitch) * math.sin(yaw), math.sin(pitch)]
    )
    right = np.array([math.sin(yaw), -math.cos(yaw), 0.0])
    up = np.cross(right, forward)
    rotation = np.stack([right, up, -forward])
    view = np.eye(4)
    view[:3, :3] = rotation
    view[:3, 3] = -rotation @ eye
    return view
