"""[service_user] options: the identity services authenticate as when
they call other services (keystoneauth1 auth plugin and session options,
as Nova's ``[service_user]``). Computes use it to download images from
the image API when ``[api] auth_strategy`` is keystone."""
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

GROUP = 'service_user'
service_user_group = cfg.OptGroup(
    GROUP, title='Service user',
    help='Credentials of the service user (e.g. nova) in Keystone.')


def register_opts(conf):
    conf.register_group(service_user_group)
    ks_loading.register_session_conf_options(conf, GROUP)
    ks_loading.register_auth_conf_options(conf, GROUP)


def list_opts():
    return {service_user_group: (
        ks_loading.get_session_conf_options()
        + ks_loading.get_auth_common_conf_options()
        + ks_loading.get_auth_plugin_conf_options('password'))}
