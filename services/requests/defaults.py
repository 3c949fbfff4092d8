"""Default request categories with their time limits (接诉即办): emergency 2 h; water,
power, gas and heating 24 h; general 7 days; complex 15 days.  The response limit is the
time within which someone must have taken the request (派单/接单).  Loaded by migration
0004; deployments edit them in the admin."""

HOUR = 60
DAY = 24 * HOUR

# code, name, response limit (minutes), resolution limit (minutes), description
REQUEST_CATEGORIES = (
    ("emergency", "紧急类", 30, 2 * HOUR, "危及人身财产安全、需立即处置的事项"),
    ("utilities", "水电气热类", 2 * HOUR, 24 * HOUR, "停水、停电、停气、停暖等民生保障事项"),
    ("general", "一般类", 24 * HOUR, 7 * DAY, "环境卫生、邻里纠纷、设施维修等一般事项"),
    ("complex", "复杂类", 2 * DAY, 15 * DAY, "涉及多个部门或需要协调解决的复杂事项"),
)


def load_request_categories(RequestCategory) -> None:
    """Create or refresh the default categories on ``RequestCategory`` (a historical model
    in the migration, the real one elsewhere)."""
    for order, (code, name, response, resolve, description) in enumerate(REQUEST_CATEGORIES):
        RequestCategory.objects.update_or_create(
            code=code,
            defaults=dict(name=name, response_minutes=response, resolve_minutes=resolve, description=description,
                          sort_order=(order + 1) * 10),
        )
