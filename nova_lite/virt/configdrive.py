"""The config drive: an ISO 9660 volume labelled ``config-2`` holding
the guest's metadata files (``nova_lite.metadata.content``), attached to
the guest as a read-only CD-ROM, as Nova's config drive (Nova's
"Config drives" user guide).

It is made with ``genisoimage`` (``[DEFAULT] mkisofs_cmd``; Debian
package genisoimage) with Rock Ridge and Joliet and the same options as
Nova (``-ldots -allow-lowercase -allow-multidot -l -publisher ... -J -r
-V config-2``). Its content is fixed when the guest is built.
"""
import os
import shutil
import tempfile

from oslo_concurrency import processutils
from oslo_config import cfg

from nova_lite import exception
from nova_lite.metadata import content

CONF = cfg.CONF

LABEL = 'config-2'
FILE_NAME = 'disk.config'
PUBLISHER = 'nova_lite'


def required(guest_data):
    """Whether the guest gets a config drive: its create asked for one
    or ``[DEFAULT] force_config_drive`` is set. ``guest_data`` None (a
    conductor older than RPC 1.3) never does."""
    if guest_data is None:
        return False
    return bool(guest_data.get('config_drive') or CONF.force_config_drive)


def wanted(instance):
    """Whether the build of ``instance`` (objects.Instance) makes a config
    drive, from the object alone: its ``config_drive`` (Instance 1.3; an
    older sender's object has none) or ``[DEFAULT] force_config_drive``.
    The compute then asks the conductor for the guest data."""
    asked = instance.obj_attr_is_set('config_drive') and instance.config_drive
    return bool(asked or CONF.force_config_drive)


def _write_tree(root, files):
    for path, data in files.items():
        target = os.path.join(root, *path.split('/'))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, 'wb') as f:
            f.write(data)


def make_drive(path, files, instance_uuid, mkisofs=None):
    """Write the ISO 9660 image of ``files`` ({'/'-separated relative
    path: bytes}) to ``path``.

    :raises: InstanceDeployFailure when the command is missing or fails
        (its message names the command, never the files' content)
    """
    command = mkisofs or CONF.mkisofs_cmd
    if shutil.which(command) is None:
        raise exception.InstanceDeployFailure(
            instance_uuid=instance_uuid,
            reason='cannot make the config drive: %s is not installed '
                   '(apt-get install genisoimage)' % command)
    with tempfile.TemporaryDirectory(prefix='nova-lite-cd-') as tmp:
        os.chmod(tmp, 0o700)
        _write_tree(tmp, files)
        try:
            processutils.execute(
                command, '-o', path, '-ldots', '-allow-lowercase',
                '-allow-multidot', '-l', '-publisher', PUBLISHER, '-quiet',
                '-J', '-r', '-V', LABEL, tmp)
        except processutils.ProcessExecutionError as exc:
            raise exception.InstanceDeployFailure(
                instance_uuid=instance_uuid,
                reason='%s failed with exit code %s' % (
                    command, exc.exit_code)) from None
    os.chmod(path, 0o644)
    return path


def build(inst_dir, guest_data):
    """Make the config drive of a guest in its instance directory.

    :returns: (path of ``disk.config``, sorted list of its files)
    :raises: InstanceDeployFailure (see ``make_drive``)
    """
    files = content.config_drive_files(guest_data)
    path = os.path.join(inst_dir, FILE_NAME)
    make_drive(path, files, guest_data['uuid'])
    return path, sorted(files)
