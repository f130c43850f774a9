app_name = "campaigns"

# Pages are added by the campaign pages work; see campaigns/views.py.
urlpatterns: list = []
