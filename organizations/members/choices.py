from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.grants.choices import Role


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MemberStatus(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class ContactState(models.TextChoices):
    """Where a member stands with their organization, besides 正式/预备 (DOMAIN "Transfers")."""

    NORMAL = "normal", _("正常")
    LOST = "lost", _("失联党员")
    MOBILE = "mobile", _("流动党员")
    TRANSFERRED_OUT = "out", _("已转出")


# States a cadre sets and clears by hand; "transferred out" follows an introduction letter only.
MANUAL_STATES = (ContactState.LOST, ContactState.MOBILE)
# Members counted among the current members of a roster (a transferred-out record is kept, not counted).
CURRENT_STATES = (ContactState.NORMAL, ContactState.LOST, ContactState.MOBILE)


class OrgRole(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy", _("副书记")
    COMMITTEE_MEMBER = "committee", _("委员")
    MEMBER = "member", _("党员")


COMMITTEE_ROLES = (OrgRole.SECRETARY, OrgRole.DEPUTY_SECRETARY, OrgRole.COMMITTEE_MEMBER)


# Who may read the member roster (masked) inside their subtree.
ROSTER_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.GRID})
# Who may open personal data (ID number, phone) in full; every such view is logged.
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET, Role.COMMUNITY})


class AccessChannel(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    EXPORT = "export", _("导出")
    ADMIN = "admin", _("后台")


class AccessKind(models.TextChoices):
    REVEAL = "reveal", _("查看完整信息")
    LOOKUP = "lookup", _("按手机号或身份证号查找")


# The personal-data fields a member may be found by (exact match on their keyed hash).
LOOKUP_FIELDS = ("phone", "id_number")


# ------------------------------------------------------------- the roster's standard fields
class Ethnicity(models.TextChoices):
    """民族: the 56 groups of GB/T 3304 with their two-digit codes, and the standard's 97/98."""

    HAN = "01", _("汉族")
    MONGOL = "02", _("蒙古族")
    HUI = "03", _("回族")
    TIBETAN = "04", _("藏族")
    UYGHUR = "05", _("维吾尔族")
    MIAO = "06", _("苗族")
    YI = "07", _("彝族")
    ZHUANG = "08", _("壮族")
    BUYEI = "09", _("布依族")
    KOREAN = "10", _("朝鲜族")
    MANCHU = "11", _("满族")
    DONG = "12", _("侗族")
    YAO = "13", _("瑶族")
    BAI = "14", _("白族")
    TUJIA = "15", _("土家族")
    HANI = "16", _("哈尼族")
    KAZAKH = "17", _("哈萨克族")
    DAI = "18", _("傣族")
    LI = "19", _("黎族")
    LISU = "20", _("傈僳族")
    VA = "21", _("佤族")
    SHE = "22", _("畲族")
    GAOSHAN = "23", _("高山族")
    LAHU = "24", _("拉祜族")
    SUI = "25", _("水族")
    DONGXIANG = "26", _("东乡族")
    NAXI = "27", _("纳西族")
    JINGPO = "28", _("景颇族")
    KIRGIZ = "29", _("柯尔克孜族")
    TU = "30", _("土族")
    DAUR = "31", _("达斡尔族")
    MULAM = "32", _("仫佬族")
    QIANG = "33", _("羌族")
    BLANG = "34", _("布朗族")
    SALAR = "35", _("撒拉族")
    MAONAN = "36", _("毛南族")
    GELAO = "37", _("仡佬族")
    XIBE = "38", _("锡伯族")
    ACHANG = "39", _("阿昌族")
    PUMI = "40", _("普米族")
    TAJIK = "41", _("塔吉克族")
    NU = "42", _("怒族")
    UZBEK = "43", _("乌孜别克族")
    RUSSIAN = "44", _("俄罗斯族")
    EWENKI = "45", _("鄂温克族")
    DEANG = "46", _("德昂族")
    BONAN = "47", _("保安族")
    YUGUR = "48", _("裕固族")
    GIN = "49", _("京族")
    TATAR = "50", _("塔塔尔族")
    DERUNG = "51", _("独龙族")
    OROQEN = "52", _("鄂伦春族")
    HEZHEN = "53", _("赫哲族")
    MONBA = "54", _("门巴族")
    LHOBA = "55", _("珞巴族")
    JINO = "56", _("基诺族")
    OTHER = "97", _("其他")
    FOREIGN_ORIGIN = "98", _("外国血统中国籍人士")


class Education(models.TextChoices):
    """学历, in the bands of the party's annual statistics (党内统计), highest first."""

    DOCTORATE = "doctorate", _("研究生（博士）")
    MASTER = "master", _("研究生（硕士）")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中等专科（中专/中技）")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR_OR_BELOW = "junior_or_below", _("初中及以下")


class Occupation(models.TextChoices):
    """职业类别, as the party's annual statistics (党内统计) count them."""

    SKILLED_WORKER = "skilled_worker", _("工勤技能人员")
    FARMER = "farmer", _("农牧渔民")
    PROFESSIONAL = "professional", _("专业技术人员")
    ENTERPRISE_MANAGER = "enterprise_manager", _("企业管理人员")
    INSTITUTION_MANAGER = "institution_manager", _("事业单位管理人员")
    PUBLIC_SERVANT = "public_servant", _("党政机关工作人员")
    STUDENT = "student", _("学生")
    RETIRED = "retired", _("离退休人员")
    MILITARY = "military", _("军人武警")
    OTHER = "other", _("其他职业人员")
    UNEMPLOYED = "unemployed", _("无业人员")
