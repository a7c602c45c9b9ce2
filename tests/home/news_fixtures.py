"""Builders for news tests."""

import datetime

from django.utils import timezone

from home.models import NewsCategory, NewsIndexPage, NewsPage


def news_index(home):
    existing = NewsIndexPage.objects.child_of(home).first()
    if existing:
        return existing
    return home.add_child(instance=NewsIndexPage(title="ข่าวประชาสัมพันธ์", slug="news"))


def news(index, n, category=NewsCategory.NEWS, tags=(), publish=True, **fields):
    values = {
        "title": f"ข่าวที่ {n}",
        "slug": f"news-{n}",
        "intro": f"สรุปข่าวที่ {n}",
        "date": timezone.localdate() - datetime.timedelta(days=n),
        "category": category,
        "body": [("paragraph", f"<p>เนื้อหาข่าวที่ {n}</p>")],
    }
    values.update(fields)
    page = index.add_child(instance=NewsPage(**values))
    if tags:
        page.tags.set(list(tags))
        page.save()
    if publish:
        page.save_revision().publish()
    return page
