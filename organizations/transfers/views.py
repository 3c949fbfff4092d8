"""Pages of 组织关系转接, mounted at ``/org/transfers/`` in the ``organizations`` namespace.

* the lists: outgoing and incoming as tabs (pending first, the overdue at the top), search,
  filters, pagination;
* a transfer: both ends, the letter, the history and the buttons of the steps the user may
  take (``dangjian.workflow.available_transitions``): accept / return (reason) / cancel /
  record the 回执;
* start a transfer from the member's page, print a letter (with its 回执 stub), register an
  incoming member from a letter, a member's transfer history, a member's contact state.

Reads through ``selectors``, writes through ``actions``.  Out of scope is 404; a role that
may not act the 403 page; a status that does not allow the step a flash message on the
transfer's page; bad input the form again with its errors.
"""
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian import pickers
from dangjian.access import page_access
from dangjian.errors import PermissionDeniedError, TransitionError, message_of
from dangjian.forms import attach_errors
from dangjian.portal import _visible_ids, paginate, refusals
from dangjian.workflow import available_transitions
from organizations.members import selectors as members_selectors
from organizations.orgs.forms import org_label
from organizations.transfers import actions, permissions, rules, selectors
from organizations.transfers.choices import ContactState, TransferAction, TransferKind
from organizations.transfers.forms import (
    NoteForm,
    ReasonForm,
    RegisterIncomingForm,
    StartTransferForm,
    StateForm,
    TransferFilterForm,
)

CADRES_ONLY = gettext_lazy("只有党组织的管理人员可以办理组织关系转接。")
TABS = ("incoming", "outgoing")


def _today():
    return timezone.localdate()


def _crumbs(*tail):
    return [{"label": _("组织关系转接"), "url": reverse("organizations:transfer_list")},
            *({"label": label, "url": url} for label, url in tail)]


def _member_or_404(user, pk):
    member = members_selectors.members_for(user).select_related("organization__area", "contact_org").filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def _transfer_or_404(user, pk):
    transfer = selectors.transfer_detail(user, pk)
    if transfer is None:
        raise Http404
    return transfer


def _letter_of(transfer):
    try:
        return transfer.letter
    except ObjectDoesNotExist:
        return None


def _flag_overdue(rows, today):
    for t in rows:
        t.overdue = t.is_overdue(today)
        t.days_overdue = rules.days_overdue(t.due_on, today) if t.overdue else 0
    return rows


# ------------------------------------------------------------------------------- lists
@page_access(permissions.can_work_on_transfers, CADRES_ONLY)
def transfer_list(request):
    user = request.user
    today = _today()
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "incoming"
    filters = TransferFilterForm(request.GET or None)
    values = filters.filters()
    rows = selectors.incoming(user) if tab == "incoming" else selectors.outgoing(user)
    rows = selectors.filter_transfers(rows, q=values.get("q", ""), status=values.get("status", ""),
                                      kind=values.get("kind", ""), overdue=values.get("overdue", False), today=today)
    page = paginate(request, selectors.open_first(rows.select_related(*selectors.LIST_RELATED)), windowed=True)
    _flag_overdue(page.object_list, today)
    return render(request, "organizations/transfers/list.html", {
        "page_obj": page, "filters": filters, "tab": tab, "today": today,
        "can_register": permissions.can_register_incoming(user), "crumbs": [],
    })


# ------------------------------------------------------------------------------ detail
@page_access(permissions.can_open_transfer_pages)
def transfer_detail(request, pk):
    user = request.user
    today = _today()
    transfer = _transfer_or_404(user, pk)
    steps = available_transitions(transfer, user)
    letter = _letter_of(transfer)
    _flag_overdue([transfer], today)
    return render(request, "organizations/transfers/detail.html", {
        "transfer": transfer, "member": transfer.member, "letter": letter, "steps": steps,
        "events": selectors.transfer_events(transfer), "event_labels": actions.EVENT_LABELS,
        "TransferAction": TransferAction, "reason_form": ReasonForm() if TransferAction.RETURN in steps else None,
        "can_print": letter is not None and permissions.can_print_letter(user, transfer),
        # the receiving side sees the member's record only once the transfer is accepted
        "member_visible": bool(_visible_ids(members_selectors.members_for(user), [transfer.member_id])),
        "crumbs": _crumbs((transfer.member.name, None)),
    })


def _button(request, pk, run, success):
    transfer = _transfer_or_404(request.user, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    try:
        run(actor=request.user, transfer=transfer, note=note)
    except ValidationError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, success)
    return redirect("organizations:transfer_detail", pk=transfer.pk)


@require_POST
@page_access(permissions.can_work_on_transfers, CADRES_ONLY)
@refusals
def transfer_accept(request, pk):
    return _button(request, pk, actions.transfer_accept, _("已接收该党员的组织关系。"))


@require_POST
@page_access(permissions.can_work_on_transfers, CADRES_ONLY)
@refusals
def transfer_cancel(request, pk):
    return _button(request, pk, actions.transfer_cancel, _("已撤销该转接。"))


@require_POST
@page_access(permissions.can_work_on_transfers, CADRES_ONLY)
@refusals
def transfer_receipt(request, pk):
    return _button(request, pk, actions.transfer_record_receipt, _("已登记回执，转出办结。"))


@page_access(permissions.can_work_on_transfers, CADRES_ONLY)
@refusals
def transfer_return(request, pk):
    user = request.user
    transfer = _transfer_or_404(user, pk)
    if not permissions.can_answer(user, transfer):
        raise PermissionDeniedError(_("只有接收党组织的管理人员可以退回组织关系转接。"))
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.transfer_return(actor=user, transfer=transfer, reason=form.cleaned_data["reason"])
        except TransitionError as exc:
            messages.error(request, message_of(exc))
            return redirect("organizations:transfer_detail", pk=transfer.pk)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已退回，并告知转出方退回原因。"))
            return redirect("organizations:transfer_detail", pk=transfer.pk)
    return _form(request, form, title=_("退回组织关系转接"), submit=_("退回"),
                 cancel=reverse("organizations:transfer_detail", args=[transfer.pk]), member=transfer.member,
                 crumbs=_crumbs((transfer.member.name, reverse("organizations:transfer_detail", args=[transfer.pk])), (_("退回"), None)))


def _form(request, form, *, title, submit, cancel, crumbs, member=None, intro=""):
    return render(request, "organizations/transfers/form.html", {
        "form": form, "title": title, "submit_label": submit, "cancel_url": cancel, "member": member,
        "intro": intro, "crumbs": crumbs,
    })


# ------------------------------------------------------------------------------- start
@page_access(permissions.can_work_on_transfers, CADRES_ONLY)
@refusals
def transfer_start(request, member_pk):
    user = request.user
    member = _member_or_404(user, member_pk)
    if not permissions.can_start_for(user, member):
        raise PermissionDeniedError(_("只有该党员所在党组织的管理人员可以办理组织关系转出。"))
    post = request.method == "POST"
    form = StartTransferForm(request.POST if post else None, user=user)
    if post and form.is_valid():
        d = form.cleaned_data
        try:
            if d["kind"] == TransferKind.OUT:
                transfer = actions.transfer_letter_out(actor=user, member=member, destination=d["destination"],
                                                       reason=d.get("reason", ""))
                done = _("已开具介绍信 %(n)s，请打印后交党员本人。") % {"n": transfer.letter.number}
            else:
                transfer = actions.transfer_start(actor=user, member=member, to_org=d["to_org"], reason=d.get("reason", ""))
                done = _("已发起转接，等待“%(org)s”接收。") % {"org": transfer.to_org.name}
        except TransitionError as exc:
            form.add_error(None, message_of(exc))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("organizations:transfer_detail", pk=transfer.pk)
    member_url = reverse("organizations:member_detail", args=[member.pk])
    return _form(request, form, title=_("转出组织关系"), submit=_("发起转接"), cancel=member_url, member=member,
                 intro=_("当前所在党组织：%(org)s") % {"org": member.organization.name},
                 crumbs=[{"label": _("党员"), "url": reverse("organizations:member_list")},
                         {"label": member.name, "url": member_url}, {"label": _("转出组织关系"), "url": None}])


# ------------------------------------------------------------------------------ letter
@page_access(permissions.can_open_transfer_pages)
def letter_print(request, pk):
    user = request.user
    transfer = _transfer_or_404(user, pk)
    letter = _letter_of(transfer)
    if letter is None or transfer.kind != TransferKind.OUT:
        raise Http404
    own = transfer.member.user_id is not None and transfer.member.user_id == user.pk
    if not (own or permissions.can_print_letter(user, transfer)):
        raise Http404
    return render(request, "organizations/transfers/letter.html", {
        "transfer": transfer, "letter": letter, "member": transfer.member, "today": _today(),
        "crumbs": _crumbs((transfer.member.name, reverse("organizations:transfer_detail", args=[transfer.pk])), (_("介绍信"), None)),
    })


# ---------------------------------------------------------------------- register incoming
@page_access(permissions.can_register_incoming, CADRES_ONLY)
@refusals
def register_incoming(request):
    user = request.user
    post = request.method == "POST"
    form = RegisterIncomingForm(request.POST if post else None, user=user)
    if post and form.is_valid():
        try:
            transfer = actions.transfer_register_incoming(actor=user, **form.action_values())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已凭介绍信登记转入党员“%(name)s”。") % {"name": transfer.member.name})
            return redirect("organizations:member_detail", pk=transfer.member_id)
    return _form(request, form, title=_("凭介绍信登记转入党员"), submit=_("登记转入"), cancel=reverse("organizations:transfer_list"),
                 intro=_("从系统外转入的党员：按介绍信填写，身份证号和手机号加密保存。"),
                 crumbs=_crumbs((_("登记转入"), None)))


# ----------------------------------------------------------------------- member's pages
@page_access(permissions.can_open_transfer_pages)
def member_history(request, member_pk):
    user = request.user
    member = _member_or_404(user, member_pk)
    page = paginate(request, selectors.member_history(user, member))
    _flag_overdue(page.object_list, _today())
    member_url = reverse("organizations:member_detail", args=[member.pk])
    return render(request, "organizations/transfers/history.html", {
        "member": member, "page_obj": page, "can_start": permissions.can_start_for(user, member),
        "can_set_state": permissions.can_set_state(user, member), "ContactState": ContactState,
        "crumbs": [{"label": _("党员"), "url": reverse("organizations:member_list")},
                   {"label": member.name, "url": member_url}, {"label": _("组织关系转接记录"), "url": None}],
    })


@page_access(permissions.can_work_on_transfers, CADRES_ONLY)
@refusals
def member_state(request, member_pk):
    user = request.user
    member = _member_or_404(user, member_pk)
    if not permissions.can_set_state(user, member):
        raise PermissionDeniedError(_("只有该党员所在党组织的管理人员可以登记党员状况。"))
    post = request.method == "POST"
    history_url = reverse("organizations:member_transfers", args=[member.pk])
    if post and request.POST.get("clear"):
        try:
            actions.member_state_clear(actor=user, member=member)
        except ValidationError as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(request, _("已恢复为正常状况。"))
        return redirect(history_url)
    initial = {"state": member.contact_state, "mobile_place": member.mobile_place,
               "contact_org": member.contact_org_id, "since": member.state_since}
    form = StateForm(request.POST if post else None, user=user, initial=initial)
    if post and form.is_valid():
        d = form.cleaned_data
        try:
            actions.member_state_set(actor=user, member=member, state=d["state"], mobile_place=d.get("mobile_place", ""),
                                     contact_org=d.get("contact_org"), since=d.get("since"))
        except TransitionError as exc:
            form.add_error(None, message_of(exc))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记党员状况。"))
            return redirect(history_url)
    return _form(request, form, title=_("登记党员状况（失联、流动党员）"), submit=_("保存"), cancel=history_url, member=member,
                 intro=_("当前状况：%(s)s") % {"s": member.get_contact_state_display()},
                 crumbs=[{"label": _("党员"), "url": reverse("organizations:member_list")},
                         {"label": member.name, "url": reverse("organizations:member_detail", args=[member.pk])},
                         {"label": _("党员状况"), "url": None}])


# ------------------------------------------------------------------------------ pickers
@refusals
def pick_destinations(request):
    """Every branch of the tree, by name and superior (the start form and the contact branch)."""
    if request.user.is_authenticated and not permissions.can_work_on_transfers(request.user):
        raise PermissionDeniedError(CADRES_ONLY)
    return pickers.picker_view(lambda r: selectors.pickable_destinations(), fields=("name", "parent__name"),
                               label=selectors.destination_label)(request)


@refusals
def pick_receiving(request):
    """The branches the user manages (the register-incoming form)."""
    if request.user.is_authenticated and not permissions.can_register_incoming(request.user):
        raise PermissionDeniedError(CADRES_ONLY)
    return pickers.picker_view(lambda r: selectors.receiving_orgs(r.user).select_related("area").order_by("name", "pk"),
                               fields=("name", "code", "area__name"), label=org_label)(request)

