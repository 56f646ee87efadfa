"""Console-script entry points (thin: parse config, start services)."""
import warnings

# oslo.messaging imports oslo.service, which imports eventlet at import
# time even though nova_lite runs threads only; its deprecation banner on
# every service start and --help says nothing to an operator.
warnings.filterwarnings('ignore', message='\\s*Eventlet is deprecated')
