"""A world for the regional-network tests: the whistles' world (a city with streets,
communities, departments, resident units, responders and cadres) plus the street's
街道大工委 with two unit seats and a department seat."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from network.committees import actions
from network.committees.choices import CommitteeKind, SeatRole
from services.whistles.tests.test_support import World, build_world


@dataclass
class Net:
    w: World
    committee: object
    seat_a: object
    seat_b: object
    seat_housing: object

    @property
    def street_cadre(self):
        return self.w.street_cadre


def build_net() -> Net:
    w = build_world()
    committee = actions.committee_save(
        actor=w.street_cadre, kind=CommitteeKind.STREET, name="兴东街道大工委", area=w.c.street,
        convener=w.c.street_org, established_on=timezone.localdate() - timedelta(days=400))
    seat_a = actions.seat_add(actor=w.street_cadre, committee=committee, unit=w.unit_a, person_name="王院长",
                              person_post="院长", role=SeatRole.DEPUTY_SECRETARY)
    seat_b = actions.seat_add(actor=w.street_cadre, committee=committee, unit=w.unit_b, person_name="李校长",
                              person_post="校长")
    seat_housing = actions.seat_add(actor=w.street_cadre, committee=committee, department=w.housing,
                                    person_name="赵科长", person_post="科长", role=SeatRole.UNIT)
    return Net(w, committee, seat_a, seat_b, seat_housing)


def at(days_ago=1, hour=14):
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def meeting(net, *, actor=None, seats=None, days_ago=1, topic="第三季度联席会议"):
    return actions.meeting_record(
        actor=actor or net.street_cadre, committee=net.committee, starts_at=at(days_ago), ends_at=at(days_ago, 16),
        place="街道党群服务中心", topic=topic, minutes="议定事项三项。",
        attending_seats=[net.seat_a, net.seat_b] if seats is None else seats)


def problem(net, *, meeting_=None, title="学校门前交通拥堵", actor=None):
    return actions.problem_raise(actor=actor or net.street_cadre, meeting=meeting_ or meeting(net), title=title,
                                 description="上下学高峰拥堵，需交警、城管协调。", raised_by=net.seat_b)
