"""A tiny site for the crawler's tests (``dangjian/tests/test_crawl.py``): a home page that
links to every case the crawler must handle, and a log of the paths it requested."""
from django.contrib.auth.models import Group
from django.http import FileResponse, HttpResponse, HttpResponseNotFound, HttpResponseRedirect, JsonResponse
from django.urls import path

REQUESTED: list[str] = []

HOME = """<!doctype html><html><head><title>home</title></head><body>
<a href="/items/1/">one</a> <a href="items/2/">two, relative</a> <a href="/items/3/">three</a>
<a href="http://testserver/items/1/#top">one again, absolute, with a fragment</a>
<a href="https://elsewhere.example/items/9/">another site</a>
<a href="/items/1/?page=2">one, page 2</a>
<a href="/list/">a list</a> <a href="/boom/">a broken page</a> <a href="/gone/">a dead link</a>
<a href="/nowhere/">no route</a> <a href="/old/">moved</a> <a href="/data.json">json</a>
<a href="/report/export/">export</a> <a href="/report.xlsx">workbook</a> <a href="/accounts/logout/">logout</a>
<a href="/admin/">admin</a> <a href="/api/docs/">API docs</a> <a href="/list/?format=json">as JSON</a>
<a href="/static/app.css">static</a> <a href="/writes/">writes on GET</a>
<a href="mailto:someone@example.com">mail</a> <a href="#top">top</a> <a>no href</a>
</body></html>"""


def _log(view):
    def wrapper(request, *args, **kwargs):
        REQUESTED.append(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def home(request):
    return HttpResponse(HOME)


def item(request, pk):
    return HttpResponse(f"<html><title>item {pk}</title><a href='/items/{pk + 10}/'>next</a><a href='/'>home</a></html>")


def listing(request):
    return HttpResponse("<html><title>list</title><a href='/items/4/'>four</a></html>")


def boom(request):
    raise RuntimeError("a page that fails")


def gone(request):
    return HttpResponseNotFound("<html>gone</html>")


def old(request):
    return HttpResponseRedirect("/moved/")


def moved(request):
    return HttpResponse("<html><title>moved here</title></html>")


def data(request):
    return JsonResponse({"ok": True})


def writes(request):
    Group.objects.get_or_create(name="written by a GET")
    return HttpResponse("<html><title>writes</title></html>")


def never(request, **kwargs):
    return FileResponse(iter([b"must not be requested"]))


urlpatterns = [
    path("", _log(home)),
    path("items/<int:pk>/", _log(item)),
    path("list/", _log(listing)),
    path("boom/", _log(boom)),
    path("gone/", _log(gone)),
    path("old/", _log(old)),
    path("moved/", _log(moved)),
    path("data.json", _log(data)),
    path("writes/", _log(writes)),
    path("report/export/", _log(never)),
    path("report.xlsx", _log(never)),
    path("accounts/logout/", _log(never)),
    path("admin/", _log(never)),
    path("api/docs/", _log(never)),
]
