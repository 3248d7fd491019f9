"""``hornet.ops.image``: image ops with ``keras.ops.image`` names and semantics (resizing, affine and perspective
warps, cropping and padding, patches, colour spaces, blurring, edges, SSIM).

>>> from hornet.ops import image
>>> image.resize(np.zeros((2, 8, 8, 3), "float32"), (4, 4)).shape          # doctest: +SKIP
(2, 4, 4, 3)
"""
from hornet.api.layers.image_transforms import elastic_transform, map_coordinates, perspective_transform
from hornet.api.ops.image_color import gaussian_blur, hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv
from hornet.api.ops.image_crop_pad import crop_images, pad_images
from hornet.api.ops.image_edges import sobel_edges
from hornet.api.ops.image_geometry import affine_transform, resize
from hornet.api.ops.image_patches import extract_patches, extract_patches_3d
from hornet.api.ops.image_scale import scale_and_translate
from hornet.api.ops.image_ssim import ssim

__all__ = ["affine_transform", "crop_images", "elastic_transform", "extract_patches", "extract_patches_3d",
           "gaussian_blur", "hsv_to_rgb", "map_coordinates", "pad_images", "perspective_transform", "resize",
           "rgb_to_grayscale", "rgb_to_hsv", "scale_and_translate", "sobel_edges", "ssim"]
