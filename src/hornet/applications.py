"""``hornet.applications``: Keras 3's image models (``keras.applications`` names) and their families'
``preprocess_input`` / ``decode_predictions`` submodules.

>>> model = hornet.applications.ResNet50(weights=None)      # doctest: +SKIP
>>> x = hornet.applications.resnet50.preprocess_input(images)
"""
from hornet.api.applications import (convnext, densenet, efficientnet, efficientnet_v2, imagenet_utils,
                                     inception_v3, mobilenet, mobilenet_v2, mobilenet_v3, nasnet, resnet,
                                     resnet_v2, xception)
from hornet.api.applications import resnet as resnet50
from hornet.api.applications import vgg as vgg16
from hornet.api.applications import vgg as vgg19
from hornet.api.applications.convnext import (ConvNeXtBase, ConvNeXtLarge, ConvNeXtSmall, ConvNeXtTiny,
                                             ConvNeXtXLarge)
from hornet.api.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from hornet.api.applications.efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2,
                                                 EfficientNetB3, EfficientNetB4, EfficientNetB5,
                                                 EfficientNetB6, EfficientNetB7)
from hornet.api.applications.efficientnet_v2 import (EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2,
                                                    EfficientNetV2B3, EfficientNetV2L, EfficientNetV2M,
                                                    EfficientNetV2S)
from hornet.api.applications.inception_v3 import InceptionV3
from hornet.api.applications.mobilenet import MobileNet
from hornet.api.applications.mobilenet_v2 import MobileNetV2
from hornet.api.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from hornet.api.applications.nasnet import NASNetLarge, NASNetMobile
from hornet.api.applications.resnet import ResNet50, ResNet101, ResNet152
from hornet.api.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from hornet.api.applications.vgg import VGG16, VGG19
from hornet.api.applications.xception import Xception

__all__ = ["VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2",
           "MobileNet", "MobileNetV2", "MobileNetV3Small", "MobileNetV3Large", "DenseNet121", "DenseNet169",
           "DenseNet201", "InceptionV3", "Xception",
           "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3", "EfficientNetB4", "EfficientNetB5",
           "EfficientNetB6", "EfficientNetB7", "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge",
           "ConvNeXtXLarge", "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
           "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L", "NASNetMobile", "NASNetLarge",
           "imagenet_utils", "vgg16", "vgg19", "resnet", "resnet50", "resnet_v2", "mobilenet", "mobilenet_v2",
           "densenet", "inception_v3", "xception", "efficientnet",
           "mobilenet_v3", "convnext", "efficientnet_v2", "nasnet"]
