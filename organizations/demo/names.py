"""Plausible Chinese names for demo data: people, places and units.

Pure data and small pure helpers; every choice takes a ``random.Random`` so a seed
reproduces the same names.  Place names are typical of Liaoning (the Dandong example the
portal must reproduce, and the province-sized demo).
"""
from itertools import accumulate

# --------------------------------------------------------------------------- people
# Surnames with rough weights (per mille of the population); Liaoning has more 关/佟/于/姜.
_SURNAME_WEIGHTS = """
王72 李72 张69 刘54 陈46 杨31 黄22 赵22 吴20 周19 徐15 孙17 马14 朱13 胡12 郭11 何10 高11
林10 罗9 郑9 梁8 谢7 宋8 唐7 许6 韩8 冯6 邓6 曹6 彭5 曾5 肖5 田6 董6 袁5 潘4 于8 蒋4 蔡4
余4 杜5 叶4 程4 苏4 魏5 吕4 丁4 任4 沈3 姚3 卢3 姜6 崔5 钟3 谭3 陆3 汪3 范3 金4 石3 廖3
贾3 夏3 付4 方3 白3 邹3 孟4 熊3 秦3 邱3 江3 尹3 薛3 闫3 段2 雷2 侯3 龙2 史3 陶2 贺2 顾2
毛2 郝3 龚2 邵2 万2 钱2 严2 武3 戴2 孔2 汤2 常3 温2 康2 施1 文2 牛2 樊2 葛2 邢2 安2 齐3
乔2 庞1 颜1 倪1 庄1 聂1 章1 鲁2 岳2 翟1 殷1 申1 耿2 关4 佟3 那1 富1 鲍2 隋2 曲3 初2 宫2
""".split()

SURNAMES = tuple(item[0] for item in _SURNAME_WEIGHTS)
SURNAME_CUM_WEIGHTS = tuple(accumulate(int(item[1:]) for item in _SURNAME_WEIGHTS))
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "慕容")

# Given-name characters by gender; the "older" pools are typical of people born before 1970.
MALE_CHARS = tuple(
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国庆峰亮成东海文志振春德福"
    "永生宝山树立忠义胜利民兴跃晨博睿航泽然轩子豪铭昊天宏毅"
)
MALE_OLDER_CHARS = tuple("国建振永宝德福贵忠义胜利民兴庆春富财发军红卫东学志连长玉金铁成")
FEMALE_CHARS = tuple(
    "芳娜敏静丽艳娟霞燕玲英红梅琳雪婷慧莉萍颖洁倩秀兰凤琴云珍欣怡佳璐晶丹瑶萱涵悦琪雯薇楠"
    "蕾婉菲月晓宁思雨桐诗"
)
FEMALE_OLDER_CHARS = tuple("淑秀玉桂凤素美兰英珍芝荣华琴霞春香翠云丽芬秀萍")


def person_name(rng, gender: str, birth_year: int) -> str:
    """A surname (weighted) and a one- or two-character given name suited to the generation."""
    if rng.random() < 0.002:
        surname = rng.choice(COMPOUND_SURNAMES)
    else:
        surname = rng.choices(SURNAMES, cum_weights=SURNAME_CUM_WEIGHTS)[0]
    older = birth_year < 1970
    if gender == "M":
        pool = MALE_OLDER_CHARS if older and rng.random() < 0.7 else MALE_CHARS
    else:
        pool = FEMALE_OLDER_CHARS if older and rng.random() < 0.7 else FEMALE_CHARS
    if rng.random() < (0.25 if older else 0.35):
        return surname + rng.choice(pool)
    first = rng.choice(pool)
    second = rng.choice(pool)
    while second == first and rng.random() < 0.8:
        second = rng.choice(pool)
    return surname + first + second


# Mobile prefixes in use (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 147 150 151 152 153 155 156 157 158 159 "
    "166 173 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
).split()

# ------------------------------------------------------------------- Liaoning places
# The 14 prefecture-level cities of Liaoning (code prefix, name, county-level divisions).
LIAONING_CITIES = (
    ("2101", "沈阳市", "和平区 沈河区 大东区 皇姑区 铁西区 苏家屯区 浑南区 沈北新区 于洪区 辽中区 新民市 康平县 法库县"),
    ("2102", "大连市", "中山区 西岗区 沙河口区 甘井子区 旅顺口区 金州区 普兰店区 瓦房店市 庄河市 长海县"),
    ("2103", "鞍山市", "铁东区 铁西区 立山区 千山区 台安县 岫岩满族自治县 海城市"),
    ("2104", "抚顺市", "新抚区 东洲区 望花区 顺城区 抚顺县 新宾满族自治县 清原满族自治县"),
    ("2105", "本溪市", "平山区 溪湖区 明山区 南芬区 本溪满族自治县 桓仁满族自治县"),
    ("2106", "丹东市", "元宝区 振兴区 振安区 宽甸满族自治县 东港市 凤城市"),
    ("2107", "锦州市", "古塔区 凌河区 太和区 黑山县 义县 凌海市 北镇市"),
    ("2108", "营口市", "站前区 西市区 鲅鱼圈区 老边区 盖州市 大石桥市"),
    ("2109", "阜新市", "海州区 新邱区 太平区 清河门区 细河区 阜新蒙古族自治县 彰武县"),
    ("2110", "辽阳市", "白塔区 文圣区 宏伟区 弓长岭区 太子河区 辽阳县 灯塔市"),
    ("2111", "盘锦市", "双台子区 兴隆台区 大洼区 盘山县"),
    ("2112", "铁岭市", "银州区 清河区 铁岭县 西丰县 昌图县 调兵山市 开原市"),
    ("2113", "朝阳市", "双塔区 龙城区 朝阳县 建平县 喀喇沁左翼蒙古族自治县 北票市 凌源市"),
    ("2114", "葫芦岛市", "连山区 龙港区 南票区 绥中县 建昌县 兴城市"),
)

# Dandong's three urban districts and their streets (the 2020 figures count 20 streets).
DANDONG_DISTRICTS = (
    ("210602", "元宝区", "兴东街道 六道口街道 七道街道 八道街道 九道街道 广济街道 金山街道"),
    ("210603", "振兴区", "站前街道 头道桥街道 临江街道 六纬路街道 帽盔山街道 纤维街道 永昌街道 花园街道 江海街道"),
    ("210604", "振安区", "鸭绿江街道 珍珠街道 太平湾街道 同兴街道"),
)

# Two-character place words for streets, communities, compounds and roads.
PLACE_WORDS = tuple(
    """
    泰河 锦江 滨江 金山 江城 帽盔 临江 福春 桃源 青年 新安 兴隆 永安 宝山 五龙 镇江 江桥 铁路
    站前 春光 丹凤 江滨 东坎 西城 北苑 南湖 新城 环山 河畔 锦山 振兴 元宝 九道 光明 东平 中富
    文安 文化 锦绣 望江 沿江 丽江 江岸 天元 景华 和平 新华 胜利 建设 繁荣 迎宾 友谊 解放 民主
    团结 幸福 长青 红旗 东风 前进 向阳 朝阳 曙光 育才 书香 翠湖 碧水 清华 凤凰 龙泉 银河 金桥
    珍珠 宝石 玉泉 兰亭 荷花 牡丹 紫荆 丁香 海棠 樱桃 枫林 松林 柳荫 桂花 梧桐 银杏 杨柳 桦林
    山城 月亮 双山 花园 汤池 同兴 鸭江 沙河 蛤蟆 振安 纤维 永昌 江海 广济 兴东 六纬 七纬 八纬
    顺城 浑河 太原 北陵 长江 黄河 珠江 松江 辽河 太子 千山 鞍钢 中华 新兴 宏伟 平安 兴华 盛世
    富民 安居 和谐 康乐 福安 祥和 瑞丰 泰和 惠民 新村 东升 西苑 南山 北山 东湖 西湖 翠竹 青松
    """.split()
)

COMPOUND_SUFFIXES = (
    "花园", "小区", "苑", "家园", "新村", "嘉园", "名苑", "雅居", "公寓", "丽都", "新城", "华府",
    "御景", "佳园", "和园", "雅苑", "花城", "锦苑", "馨园", "人家",
)
COMMUNITY_VARIANTS = ("", "", "", "东", "西", "南", "北", "新")
ROAD_SUFFIXES = ("路", "路", "街", "大街", "大道", "巷")

# ------------------------------------------------------------------------- units
MUNICIPAL_ORGANS = (
    "市委办公室", "市政府办公室", "市纪委监委", "市委组织部", "市委宣传部", "市委统战部", "市委政法委",
    "市发展和改革委员会", "市教育局", "市科技局", "市工业和信息化局", "市公安局", "市民政局", "市司法局",
    "市财政局", "市人力资源和社会保障局", "市自然资源局", "市生态环境局", "市住房和城乡建设局",
    "市交通运输局", "市水务局", "市农业农村局", "市商务局", "市文化旅游和广播电视局", "市卫生健康委员会",
    "市退役军人事务局", "市应急管理局", "市审计局", "市市场监督管理局", "市统计局", "市医疗保障局",
    "市信访局", "市营商环境建设局", "市城市管理综合行政执法局", "市机关事务服务中心", "市总工会", "团市委",
    "市妇联", "市科协", "市工商联", "市残联", "市档案馆", "市中心医院", "市第一医院", "市人民检察院",
    "市中级人民法院", "市税务局", "市气象局", "市住房公积金管理中心", "市融媒体中心",
)
DISTRICT_ORGANS = (
    "区委办公室", "区政府办公室", "区纪委监委", "区委组织部", "区委宣传部", "区委政法委", "区发展和改革局",
    "区教育局", "区财政局", "区民政局", "区人力资源和社会保障局", "区住房和城乡建设局", "区卫生健康局",
    "区市场监督管理局", "区城市管理综合行政执法局", "区应急管理局", "区司法局", "区退役军人事务局",
    "区医疗保障局", "区审计局", "区统计局", "区信访局", "区总工会", "团区委", "区妇联", "区人民法院",
    "区人民检察院", "区文化旅游和广播电视局", "区农业农村局", "区商务局",
)
ENTERPRISES = (
    "{city_short}城市建设投资集团有限公司", "国网{city_short}供电公司", "中国移动{city_short}分公司", "中国联通{city_short}分公司",
    "中国工商银行{city_short}分行", "中国建设银行{city_short}分行", "中国农业银行{city_short}分行",
    "{city_short}农商银行", "{city_short}热电有限公司", "{city_short}自来水集团", "{city_short}燃气有限公司",
    "{city_short}公交集团", "{city_short}市政工程有限公司", "{city_short}日报社", "{city_short}广播电视台",
    "{city_short}第一中学", "{city_short}实验小学", "{city_short}职业技术学院", "{city}人民医院", "{city}中医院",
)
# Resident units: (kind, name template); {district}/{street}/{community}/{word}/{n} are filled in.
RESIDENT_UNIT_TEMPLATES = (
    ("school", "{district}第{n}小学"),
    ("school", "{city}第{n}中学"),
    ("school", "{community}幼儿园"),
    ("hospital", "{street}社区卫生服务中心"),
    ("hospital", "{district}{word}医院"),
    ("state_enterprise", "中国工商银行{city_short}{word}支行"),
    ("state_enterprise", "中国建设银行{city_short}{word}支行"),
    ("state_enterprise", "国网{city_short}供电公司{district}营业厅"),
    ("state_enterprise", "中国邮政{city_short}{word}邮政支局"),
    ("private_enterprise", "{city_short}{word}物业服务有限公司"),
    ("private_enterprise", "{city_short}{word}商贸有限公司"),
    ("private_enterprise", "{word}超市{street}店"),
    ("social_org", "{community}志愿者协会"),
    ("social_org", "{district}{word}社会工作服务中心"),
    ("institution", "{district}{word}文化馆"),
    ("institution", "{street}综合执法队"),
    ("other", "{word}农贸市场"),
)

DEPARTMENT_SHORT_NAME = "住建局"  # the demo "department" account: 区住建局

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (1–99; larger numbers in Arabic digits)."""
    if n < 1 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


def compound_stem(compound: str) -> str:
    """泰河花园 → 泰河花园小区; 锦江小区 stays 锦江小区."""
    return compound if compound.endswith("小区") else f"{compound}小区"


def compound_branch_name(compound: str, label: str = "") -> str:
    """泰河花园 → 泰河花园小区党支部; with label 第二: 泰河花园小区第二党支部."""
    return f"{compound_stem(compound)}{label}党支部"
