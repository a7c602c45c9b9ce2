"""Builders for news tests: thin names over tests.factories."""

from home.models import NewsCategory, NewsIndexPage
from tests.factories import NewsIndexPageFactory, NewsPageFactory


def news_index(home):
    existing = NewsIndexPage.objects.child_of(home).first()
    return existing or NewsIndexPageFactory(parent=home)


def news(index, n, category=NewsCategory.NEWS, tags=(), publish=True, **fields):
    return NewsPageFactory(parent=index, n=n, category=category, tags=tags, publish=publish, **fields)
