from django.urls import include, path

# The same prefix as in development, so PAYMENT_GATEWAY_URL is http://<bank host>/gateway/.
urlpatterns = [path("gateway/", include("gateway.urls"))]
