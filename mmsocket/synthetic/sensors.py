# Copyright (c) mmsocket contributors. All rights reserved.
"""Sensor models that turn ideal renderings into RGB-D(-NIR) captures.

Four domains imitate the four cameras of SUN RGB-D:

========== ================ ========= ====== =============================
domain     principle        size      hfov   depth character
========== ================ ========= ====== =============================
kv1        structured light 80 x 60   57     noise ~ z^2, 1/8-px disparity
                                             steps, projector shadows
kv2        time of flight   96 x 80   70     low noise, flying pixels,
                                             dropouts on dark surfaces
realsense  active stereo    72 x 54   62     noisy, many holes, fattened
                                             edges, short range
xtion      structured light 80 x 60   58     like kv1, shorter range
========== ================ ========= ====== =============================

Colour differs too: each camera has its own exposure bias, white balance,
tone curve, saturation, blur, noise, vignetting and JPEG compression.

A :class:`SensorModel` only consumes the dict returned by
:func:`~.renderer.render`; it owns no scene knowledge. Depth comes out as
uint16 millimetres with 0 meaning *no reading*, NIR as uint8.
"""
import dataclasses
from dataclasses import dataclass
from typing import Dict, Tuple

import cv2
import numpy as np

from .generation import lookup
from .scene import Camera

__all__ = ['SensorModel', 'SENSORS', 'get_sensor']


@dataclass(frozen=True)
class SensorModel:
    """An RGB-D camera with an active NIR channel.

    Args:
        name (str): Domain name.
        width (int): Image width in pixels.
        height (int): Image height in pixels.
        hfov (float): Horizontal field of view in degrees.
        depth_range (tuple[float]): Valid depth range in metres; readings
            outside it are dropped (0).
        depth_kind (str): ``'structured_light'``, ``'tof'`` or
            ``'active_stereo'``.
        fb (float): Focal length x baseline of the *real* sensor in
            metre-pixels; disparity is ``fb / z``. Sets how fast noise and
            quantisation grow with depth. Unused for ToF.
        disparity_noise (float): Std of the disparity noise in pixels
            (structured light / stereo), or of the ToF range noise in
            metres at 1 m and full signal.
        disparity_step (float): Disparity quantisation step in pixels
            (0 disables). Kinect v1 reports 1/8 px.
        shadow_baseline (float): Baseline (m) between the projector (or
            second camera) and the depth camera, at *our* resolution; pixels
            hidden from it read nothing. 0 disables.
        edge_holes (float): Probability of dropping a pixel at a depth
            discontinuity.
        edge_fatten (bool): Whether foreground grows by one pixel into the
            background at edges (stereo matching windows).
        flying_pixels (float): Probability that an edge pixel reads a value
            between foreground and background (ToF mixed pixels).
        random_holes (float): Fraction of the image lost to blob-shaped
            dropouts.
        min_signal (float): Active-NIR return below which a pixel is
            dropped (dark, far or grazing surfaces; screens, glass).
        rgb_exposure (float): Exposure bias relative to auto-exposure.
        auto_exposure (float): How far auto-exposure pulls the mean
            luminance to mid-grey: 0 keeps a fixed exposure (dim rooms stay
            dim), 1 normalises every image fully. Real cameras sit in
            between (limited gain and exposure time).
        white_balance (tuple[float]): Per-channel gains (colour cast).
        gamma (float): Display gamma of the tone curve.
        contrast (float): Strength of an S-shaped contrast curve (0 = none).
        saturation (float): Saturation multiplier.
        rgb_noise (float): Std of the signal-dependent colour noise.
        blur (float): Gaussian blur sigma in pixels (optics, demosaicing).
        vignette (float): Brightness loss at the corners.
        jpeg_quality (int): JPEG quality the RGB goes through (0 = none).
        nir_gain (float): Gain of the NIR image.
        nir_noise (float): Std of the NIR noise.
        nir_speckle (float): Contrast of the projected dot pattern seen in
            the NIR image (structured light and stereo projectors).
    """
    name: str
    width: int
    height: int
    hfov: float
    depth_range: Tuple[float, float]
    depth_kind: str
    fb: float = 40.0
    disparity_noise: float = 0.1
    disparity_step: float = 0.125
    shadow_baseline: float = 0.0
    edge_holes: float = 0.0
    edge_fatten: bool = False
    flying_pixels: float = 0.0
    random_holes: float = 0.0
    min_signal: float = 0.0
    rgb_exposure: float = 1.0
    auto_exposure: float = 0.5
    white_balance: Tuple[float, float, float] = (1.0, 1.0, 1.0)
    gamma: float = 2.2
    contrast: float = 0.0
    saturation: float = 1.0
    rgb_noise: float = 0.0
    blur: float = 0.0
    vignette: float = 0.0
    jpeg_quality: int = 0
    nir_gain: float = 1.0
    nir_noise: float = 0.0
    nir_speckle: float = 0.0

    def __post_init__(self) -> None:
        if self.depth_kind not in ('structured_light', 'tof', 'active_stereo'):
            raise ValueError(f'unknown depth_kind {self.depth_kind!r}')

    def camera(self,
               position: Tuple[float, float, float],
               yaw: float = 0.0,
               pitch: float = 0.0) -> Camera:
        """A :class:`~.renderer.Camera` with this sensor's intrinsics.

        Args:
            position (tuple[float]): Optical centre in metres.
            yaw (float): Heading in degrees. Defaults to 0.
            pitch (float): Elevation in degrees. Defaults to 0.

        Returns:
            Camera: The camera.
        """
        return Camera(self.width, self.height, self.hfov, position, yaw, pitch)

    def noise_free(self) -> 'SensorModel':
        """This sensor's geometry and tone curve without any degradation.

        Depth is then the exact z-depth (rounded to mm) inside the depth
        range, RGB only goes through exposure and the tone curve.

        Returns:
            SensorModel: The ideal sensor.
        """
        return dataclasses.replace(
            self,
            disparity_noise=0.0,
            disparity_step=0.0,
            shadow_baseline=0.0,
            edge_holes=0.0,
            edge_fatten=False,
            flying_pixels=0.0,
            random_holes=0.0,
            min_signal=0.0,
            white_balance=(1.0, 1.0, 1.0),
            contrast=0.0,
            saturation=1.0,
            rgb_noise=0.0,
            blur=0.0,
            vignette=0.0,
            jpeg_quality=0,
            nir_noise=0.0,
            nir_speckle=0.0)

    # ------------------------------------------------------------------
    def capture(self, maps: Dict[str, np.ndarray],
                rng: np.random.Generator) -> Dict[str, np.ndarray]:
        """Turn ideal maps into this sensor's output.

        Args:
            maps (dict): Output of :func:`~.renderer.render` at this
                sensor's resolution.
            rng (np.random.Generator): Source of all sensor noise.

        Returns:
            dict[str, np.ndarray]: ``rgb`` uint8 (H, W, 3) in RGB order,
            ``depth`` uint16 millimetres (0 = no reading), ``nir`` uint8
            (H, W).
        """
        if maps['depth'].shape != (self.height, self.width):
            raise ValueError(
                f'maps are {maps["depth"].shape}, sensor {self.name} is '
                f'{(self.height, self.width)}')
        # Fixed order of random draws keeps captures reproducible.
        depth = self._depth(maps, rng)
        rgb = self._rgb(maps['rgb'], rng)
        nir = self._nir(maps['nir'], rng)
        return {'rgb': rgb, 'depth': depth, 'nir': nir}

    def capture_rgb(self, rgb: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
        """Only the colour path of :meth:`capture`.

        For generators that need a camera's tone curve and noise but make
        their own depth (the depth-distillation domains keep clean depth).

        Args:
            rgb (np.ndarray): Linear radiance (H, W, 3) from
                :func:`~.renderer.render`.
            rng (np.random.Generator): Source of the colour noise.

        Returns:
            np.ndarray: uint8 (H, W, 3) in RGB order.
        """
        return self._rgb(rgb, rng)

    # ------------------------------------------------------------------
    def _focal(self) -> float:
        return self.width / 2 / np.tan(np.deg2rad(self.hfov) / 2)

    def _depth(self, maps, rng) -> np.ndarray:
        z = maps['depth'].astype(np.float64)
        h, w = z.shape
        valid = np.ones_like(z, bool)
        edges = _depth_edges(z)

        if self.depth_kind == 'tof':
            z = self._tof_noise(z, maps['nir'], edges, rng)
        else:
            z = self._disparity_noise(z, rng)
            if self.shadow_baseline > 0:
                valid &= ~_projector_shadow(
                    maps['depth'],
                    self._focal() * self.shadow_baseline)
            if self.edge_fatten:
                # Matching windows straddling an edge lock onto the
                # foreground, which therefore bleeds outwards.
                fg = cv2.erode(z.astype(np.float32), np.ones((3, 3)))
                z = np.where(edges, fg, z)

        if self.edge_holes > 0:
            # Dropouts hit the background side of an edge: its pixels mix
            # foreground and background returns and fail the checks.
            far_side = edges & (
                maps['depth'] > cv2.erode(maps['depth'], np.ones(
                    (3, 3))) * 1.05)
            valid &= ~(far_side & (rng.random((h, w)) < self.edge_holes))
        if self.random_holes > 0:
            valid &= ~_blobs(rng, (h, w), self.random_holes)
        if self.min_signal > 0:
            # Weak active returns (black or grazing surfaces, glass) read
            # nothing; a little randomness softens the threshold.
            signal = maps['nir'] * rng.uniform(0.7, 1.3, (h, w))
            valid &= signal >= self.min_signal
        lo, hi = self.depth_range
        valid &= (z >= lo) & (z <= hi)
        mm = np.where(valid, np.round(z * 1000.0), 0)
        return np.clip(mm, 0, 65535).astype(np.uint16)

    def _disparity_noise(self, z, rng):
        if self.disparity_noise <= 0 and self.disparity_step <= 0:
            return z
        disp = self.fb / np.maximum(z, 1e-3)
        if self.disparity_noise > 0:
            # Block matching correlates the error over a few pixels.
            n = rng.standard_normal(z.shape).astype(np.float32)
            n = cv2.GaussianBlur(n, (0, 0), 0.8)
            disp = disp + self.disparity_noise * n / max(n.std(), 1e-6)
        if self.disparity_step > 0:
            disp = np.round(disp / self.disparity_step) * self.disparity_step
        return self.fb / np.maximum(disp, 1e-6)

    def _tof_noise(self, z, nir, edges, rng):
        if self.disparity_noise > 0:
            # Phase noise shrinks with the returned amplitude.
            amp = np.clip(nir, 0.02, 1.0)
            sigma = self.disparity_noise * (0.5 + 0.5 * z) / np.sqrt(amp / 0.3)
            z = z + sigma * rng.standard_normal(z.shape)
        if self.flying_pixels > 0:
            zf = z.astype(np.float32)
            near = cv2.erode(zf, np.ones((3, 3)))
            far = cv2.dilate(zf, np.ones((3, 3)))
            fly = edges & (rng.random(z.shape) < self.flying_pixels)
            mix = rng.random(z.shape)
            z = np.where(fly, near + mix * (far - near), z)
        return z

    def _rgb(self, rgb, rng) -> np.ndarray:
        x = rgb.astype(np.float64)
        # Partial auto-exposure towards a mean of 0.2 (linear), then this
        # camera's bias.
        mean = float(x.mean()) + 1e-3
        x = x * (0.2 / mean)**self.auto_exposure * self.rgb_exposure
        x = x * np.asarray(self.white_balance)
        if self.vignette > 0:
            h, w = x.shape[:2]
            yy, xx = np.mgrid[0:h, 0:w]
            r2 = ((xx - w / 2 + 0.5) / (w / 2))**2 + ((yy - h / 2 + 0.5) /
                                                      (h / 2))**2
            x = x * (1 - self.vignette * r2 / 2)[..., None]
        if self.blur > 0:
            x = cv2.GaussianBlur(x, (0, 0), self.blur)
        if self.rgb_noise > 0:
            # Shot noise grows with the signal, read noise does not.
            sd = self.rgb_noise * np.sqrt(np.clip(x, 0, None) + 0.02)
            x = x + sd * rng.standard_normal(x.shape)
        x = np.clip(x, 0.0, 1.0)**(1.0 / self.gamma)
        if self.contrast != 0:
            s = x * x * (3 - 2 * x)
            x = x + self.contrast * (s - x)
        if self.saturation != 1.0:
            lum = x.mean(axis=2, keepdims=True)
            x = lum + self.saturation * (x - lum)
        out = np.clip(np.round(x * 255), 0, 255).astype(np.uint8)
        if self.jpeg_quality > 0:
            ok, buf = cv2.imencode(
                '.jpg', out[..., ::-1],
                [cv2.IMWRITE_JPEG_QUALITY,
                 int(self.jpeg_quality)])
            out = cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1]
        return np.ascontiguousarray(out)

    def _nir(self, nir, rng) -> np.ndarray:
        x = nir.astype(np.float64) * self.nir_gain
        if self.nir_speckle > 0:
            # The projector's dot pattern: sparse bright dots.
            dots = (rng.random(x.shape) < 0.15).astype(np.float64)
            x = x * (1 - self.nir_speckle + self.nir_speckle * 6.67 * dots)
        if self.nir_noise > 0:
            x = x + self.nir_noise * rng.standard_normal(x.shape)
        x = np.clip(x, 0, 1)**(1 / 1.5)
        return np.clip(np.round(x * 255), 0, 255).astype(np.uint8)


def _depth_edges(z: np.ndarray, rel: float = 0.08) -> np.ndarray:
    """Pixels next to a depth jump larger than ``rel`` of their depth."""
    zf = z.astype(np.float32)
    lo = cv2.erode(zf, np.ones((3, 3)))
    hi = cv2.dilate(zf, np.ones((3, 3)))
    return (hi - lo) > rel * zf


def _projector_shadow(z: np.ndarray,
                      fb_px: float,
                      max_shift: int = 8) -> np.ndarray:
    """Pixels the projector, offset to the right, cannot light.

    A pixel with inverse depth ``q`` is occluded when a pixel ``k`` columns
    to its right is nearer by more than ``k / fb_px`` in inverse depth.
    """
    q = 1.0 / np.maximum(z.astype(np.float64), 1e-3)
    shadow = np.zeros(z.shape, bool)
    for k in range(1, max_shift + 1):
        nb = np.full_like(q, -np.inf)
        nb[:, :-k] = q[:, k:]
        shadow |= (nb - q) > k / fb_px
    return shadow


def _blobs(rng: np.random.Generator, shape: Tuple[int, int],
           fraction: float) -> np.ndarray:
    """A random mask of smooth blobs covering about ``fraction``."""
    n = rng.standard_normal(shape).astype(np.float32)
    n = cv2.GaussianBlur(n, (0, 0), 1.5)
    thr = np.quantile(n, 1 - fraction)
    return n > thr


#: The four domains, named after SUN RGB-D's sensor folders.
SENSORS: Dict[str, SensorModel] = {
    'kv1':
    SensorModel(
        'kv1',
        80,
        60,
        57.0, (0.5, 8.0),
        'structured_light',
        fb=0.075 * 580,
        disparity_noise=0.12,
        disparity_step=0.125,
        shadow_baseline=0.075,
        edge_holes=0.3,
        random_holes=0.01,
        min_signal=0.03,
        rgb_exposure=0.8,
        white_balance=(1.08, 1.02, 0.82),
        gamma=2.0,
        contrast=0.1,
        saturation=0.8,
        rgb_noise=0.035,
        blur=0.7,
        vignette=0.3,
        jpeg_quality=70,
        nir_gain=1.1,
        nir_noise=0.03,
        nir_speckle=0.2),
    'kv2':
    SensorModel(
        'kv2',
        96,
        80,
        70.6, (0.5, 8.0),
        'tof',
        disparity_noise=0.004,
        disparity_step=0.0,
        edge_holes=0.1,
        flying_pixels=0.5,
        random_holes=0.0,
        min_signal=0.02,
        rgb_exposure=0.95,
        white_balance=(0.96, 1.0, 1.08),
        gamma=2.3,
        contrast=0.25,
        saturation=1.15,
        rgb_noise=0.015,
        blur=0.35,
        vignette=0.1,
        jpeg_quality=90,
        nir_gain=1.3,
        nir_noise=0.02),
    'realsense':
    SensorModel(
        'realsense',
        72,
        54,
        62.0, (0.3, 5.0),
        'active_stereo',
        fb=0.07 * 330,
        disparity_noise=0.25,
        disparity_step=0.0625,
        shadow_baseline=0.07,
        edge_holes=0.45,
        edge_fatten=True,
        random_holes=0.06,
        min_signal=0.05,
        rgb_exposure=1.1,
        white_balance=(0.92, 1.06, 1.0),
        gamma=2.2,
        contrast=-0.1,
        saturation=0.9,
        rgb_noise=0.05,
        blur=0.5,
        vignette=0.15,
        jpeg_quality=75,
        nir_gain=0.9,
        nir_noise=0.04,
        nir_speckle=0.3),
    'xtion':
    SensorModel(
        'xtion',
        80,
        60,
        58.0, (0.6, 6.5),
        'structured_light',
        fb=0.075 * 570,
        disparity_noise=0.1,
        disparity_step=0.125,
        shadow_baseline=0.075,
        edge_holes=0.25,
        random_holes=0.015,
        min_signal=0.03,
        rgb_exposure=0.85,
        white_balance=(0.88, 0.98, 1.15),
        gamma=2.4,
        contrast=0.35,
        saturation=1.25,
        rgb_noise=0.03,
        blur=0.6,
        vignette=0.35,
        jpeg_quality=80,
        nir_gain=1.0,
        nir_noise=0.03,
        nir_speckle=0.2),
}


def get_sensor(name: str) -> SensorModel:
    """Look a sensor domain up by name.

    Args:
        name (str): ``'kv1'``, ``'kv2'``, ``'realsense'`` or ``'xtion'``.

    Returns:
        SensorModel: The sensor.
    """
    return lookup(SENSORS, name, 'sensor')
