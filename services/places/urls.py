"""Public reports: /<lang>/reports/ (list and map), /<lang>/reports/<REF>/, /<lang>/reports.geojson."""

app_name = "places"
urlpatterns = []
