from django.http import HttpResponse


def my_account(request):
    return HttpResponse("TODO")
