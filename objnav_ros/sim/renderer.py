"""Headless RGB + metric depth rendering of a triangle soup with moderngl (EGL, Mesa llvmpipe).

One GL context, one vertex buffer and one framebuffer per renderer, all reused every frame;
the context is made current for each frame, so several renderers can share a thread.
Back faces are culled except on double-sided triangles (glTF ``doubleSided``), as habitat
does; culling roughly halves the fragment work of closed meshes such as walls.
Shading is half-Lambert (``0.5 + 0.5 n.l``, so no two face orientations look alike) from a
fixed light plus ambient, per-face normals turned towards the camera (two-sided), times the
vertex colour. Depth is the distance along the optical axis
in metres, written by the fragment shader into a float colour attachment (0 = no hit).
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
void main() {
    vec4 eye_position = view * vec4(in_position, 1.0);
    v_position = in_position;
    v_normal = in_normal;
    v_color = in_color;
    v_depth = -eye_position.z;
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
void main() {
    vec3 normal = normalize(v_normal);
    if (dot(normal, eye - v_position) < 0.0) {
        normal = -normal;
    }
    float diffuse = 0.5 + 0.5 * dot(normal, light_direction);
    out_color = vec4(v_color * (ambient + (1.0 - ambient) * diffuse), 1.0);
    out_depth = v_depth;
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
    ) -> None:
        import moderngl  # lazily: only processes that render need it

        self.width, self.height = int(width), int(height)
        order = np.argsort(np.asarray(double_sided, dtype=bool), kind="stable")
        self._vertices = 3 * len(order)
        self._single_sided_vertices = 3 * int(np.count_nonzero(~np.asarray(double_sided)))
        self._ctx = moderngl.create_standalone_context(backend="egl")
        try:
            self._program = self._ctx.program(
                vertex_shader=_VERTEX_SHADER, fragment_shader=_FRAGMENT_SHADER
            )
            self._vbo = self._ctx.buffer(_vertex_data(triangles[order], colors[order]))
            self._vao = self._ctx.vertex_array(
                self._program,
                [(self._vbo, "3f 3f 3f", "in_position", "in_normal", "in_color")],
            )
            size = (self.width, self.height)
            self._fbo = self._ctx.framebuffer(
                color_attachments=[
                    self._ctx.renderbuffer(size, components=4),
                    self._ctx.renderbuffer(size, components=1, dtype="f4"),
                ],
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

    def render(self, eye: np.ndarray, yaw: float, pitch: float) -> tuple[np.ndarray, np.ndarray]:
        """RGB (H, W, 3) uint8 and depth (H, W) float32 metres seen from ``eye``.

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
        return rgb, depth

    def close(self) -> None:
        """Release the GL context and everything it holds."""
        self._ctx.release()


def _vertex_data(triangles: np.ndarray, colors: np.ndarray) -> bytes:
    tris = np.asarray(triangles, dtype=np.float32)
    normals = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
    normals = np.repeat(normals[:, None, :], 3, axis=1)
    data = np.concatenate([tris, normals, np.asarray(colors, dtype=np.float32)], axis=2)
    return np.ascontiguousarray(data, dtype=np.float32).tobytes()


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
