"""Following a public report, and the one-click unfollow every message carries."""

urlpatterns = []
