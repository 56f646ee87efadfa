"""Records of the CloudStack command API that the compute API has not:
async jobs (``async_jobs``) and the API keys of signed requests
(``api_keys``). The handlers of ``nova_lite.api.cloudstack`` call these
modules, never the database."""
