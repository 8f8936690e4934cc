"""HTTP security headers, set on every response outside debugging.

The debugger and the debug toolbar inject inline scripts and styles that a
strict Content-Security-Policy would block, so FLASK_DEBUG=1 leaves them off.
"""

from secure import (
    ContentSecurityPolicy,
    CrossOriginOpenerPolicy,
    PermissionsPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)

{% if cookiecutter.frontend == "hotwire" -%}
# Turbo inserts a <style> element for its progress bar: this hash allows that
# one stylesheet (of @hotwired/turbo 8.0.23; when an upgrade changes it, the
# browser's console names the new hash).
TURBO_PROGRESS_BAR_STYLE = "'sha256-WAyOw4V+FqDc35lQPyRADLBWbuNK8ahvYEaQIYF1+Ps='"

{% endif %}
def content_security_policy():
    return (
        ContentSecurityPolicy()
        .default_src("'self'")
        .base_uri("'self'")
        .form_action("'self'")
        .frame_ancestors("'none'")
        .img_src("'self'", "data:")
        .object_src("'none'")
        .script_src("'self'")
        .style_src("'self'"{% if cookiecutter.frontend == "hotwire" %}, TURBO_PROGRESS_BAR_STYLE{% endif %})
    )


def strict_transport_security(config):
    """HSTS as the settings ask, or None (no header) when HSTS_SECONDS is 0."""
    if not config["HSTS_SECONDS"]:
        return None
    hsts = StrictTransportSecurity().max_age(config["HSTS_SECONDS"])
    if config["HSTS_INCLUDE_SUBDOMAINS"]:
        hsts = hsts.include_subdomains()
    if config["HSTS_PRELOAD"]:
        # Raises ValueError below a year's max-age, which the preload list refuses.
        hsts = hsts.preload()
    return hsts


def security_headers(config):
    return Secure(
        csp=content_security_policy(),
        hsts=strict_transport_security(config),
        coop=CrossOriginOpenerPolicy().same_origin(),
        permissions=PermissionsPolicy().geolocation().microphone().camera(),
        referrer=ReferrerPolicy().strict_origin_when_cross_origin(),
        xcto=XContentTypeOptions().nosniff(),
        xfo=XFrameOptions().deny(),
    )


def init_security_headers(app):
    if app.debug:
        return
    # Rendered once: every response carries the same values.
    headers = security_headers(app.config).headers

    @app.after_request
    def set_security_headers(response):
        response.headers.update(headers)
        return response
