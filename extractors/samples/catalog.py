"""Vocabulary the sample generator draws from: real divisions, departments, projects, indicators.

Why a catalog of real names: the region columns of the warehouse are filled by
resolving unit names (cpca), so sample units must sit in real
province/city/county divisions; and an extractor must not be able to pass by
memorising one document, so every list here offers several interchangeable
choices.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """A real administrative division; ``county`` None for a city-level unit."""

    province: str
    city: str
    county: str | None

    @property
    def prefix(self) -> str:
        """How unit names start: 株洲市芦淞区…, or 株洲市… for a city-level unit."""
        return self.city + (self.county or "")


# Checked with cpca.transform: each city+county prefix resolves to exactly this division.
COUNTIES: tuple[Region, ...] = (
    Region("湖南省", "株洲市", "芦淞区"),
    Region("湖南省", "岳阳市", "岳阳楼区"),
    Region("湖南省", "长沙市", "岳麓区"),
    Region("湖南省", "衡阳市", "蒸湘区"),
    Region("湖南省", "常德市", "武陵区"),
    Region("湖南省", "湘潭市", "雨湖区"),
    Region("湖南省", "娄底市", "娄星区"),
    Region("湖南省", "邵阳市", "双清区"),
    Region("湖南省", "益阳市", "赫山区"),
    Region("湖北省", "武汉市", "江岸区"),
    Region("湖北省", "宜昌市", "西陵区"),
    Region("湖北省", "鄂州市", "鄂城区"),
    Region("湖北省", "襄阳市", "樊城区"),
    Region("湖北省", "黄石市", "黄石港区"),
    Region("湖北省", "孝感市", "孝南区"),
    Region("江西省", "南昌市", "东湖区"),
    Region("江西省", "赣州市", "章贡区"),
    Region("江西省", "九江市", "浔阳区"),
    Region("江西省", "吉安市", "吉州区"),
    Region("四川省", "成都市", "武侯区"),
    Region("四川省", "绵阳市", "涪城区"),
    Region("安徽省", "合肥市", "蜀山区"),
    Region("安徽省", "芜湖市", "镜湖区"),
    Region("河南省", "郑州市", "金水区"),
    Region("河南省", "洛阳市", "涧西区"),
    Region("广东省", "广州市", "天河区"),
)


@dataclass(frozen=True)
class QuantityTemplate:
    """A countable output (数量指标): name, unit and the plausible range of its target."""

    name: str
    unit: str
    low: int
    high: int


@dataclass(frozen=True)
class Department:
    """A kind of government department, with its subordinate units, projects and typical outputs."""

    name: str
    subunits: tuple[str, ...]
    projects: tuple[str, ...]
    quantities: tuple[QuantityTemplate, ...]
    mission: str
    # The ministry that issues the department's central transfers, and the transfers' names
    # (a 转移支付（项目）名称 or the fund a transfer narrative reports on).
    ministry: str = ""
    transfer_funds: tuple[str, ...] = ()


DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "教育局",
        ("教育事务中心", "学生资助管理中心"),
        ("义务教育薄弱环节改善与能力提升项目", "学生资助专项资金", "教师培训专项经费"),
        (
            QuantityTemplate("资助家庭经济困难学生人数", "人次", 300, 3000),
            QuantityTemplate("改造校舍面积", "平方米", 1000, 12000),
            QuantityTemplate("教师培训人次", "人次", 200, 2000),
        ),
        "统筹管理全区教育事业，推进义务教育优质均衡发展",
        "教育部",
        ("义务教育薄弱环节改善与能力提升补助资金", "学生资助补助资金"),
    ),
    Department(
        "农业农村局",
        ("农业综合服务中心", "农村经营服务站"),
        ("高标准农田建设项目", "农村人居环境整治专项资金", "耕地地力保护补贴"),
        (
            QuantityTemplate("新建高标准农田面积", "亩", 2000, 20000),
            QuantityTemplate("改造农村户厕数量", "户", 200, 3000),
            QuantityTemplate("开展农技培训场次", "场", 10, 80),
        ),
        "负责农业农村发展规划、农田建设和乡村振兴相关工作",
        "农业农村部",
        ("农业生产发展资金", "农田建设补助资金"),
    ),
    Department(
        "卫生健康局",
        ("疾病预防控制中心", "卫生计生综合监督执法局"),
        ("基本公共卫生服务项目", "家庭医生签约服务经费", "计划生育特别扶助资金"),
        (
            QuantityTemplate("建立居民电子健康档案数", "份", 20000, 200000),
            QuantityTemplate("开展健康教育讲座次数", "次", 20, 200),
            QuantityTemplate("特别扶助对象人数", "人", 100, 1500),
        ),
        "组织实施基本公共卫生服务和重大疾病防控",
        "国家卫生健康委",
        ("基本公共卫生服务补助资金", "重大传染病防控经费"),
    ),
    Department(
        "民政局",
        ("社会福利中心", "社会救助服务中心"),
        ("城乡低保资金", "特困人员供养经费", "养老服务体系建设项目"),
        (
            QuantityTemplate("保障城乡低保对象人数", "人", 500, 8000),
            QuantityTemplate("新建社区养老服务站点", "个", 3, 30),
            QuantityTemplate("特困人员集中供养人数", "人", 50, 600),
        ),
        "负责社会救助、养老服务和基层社会治理",
        "民政部",
        ("困难群众救助补助资金", "养老服务体系建设补助资金"),
    ),
    Department(
        "城市管理和综合执法局",
        ("城市管理综合行政执法大队", "环境卫生管理所"),
        ("城市管理综合执法经费", "市容环境整治专项经费", "协管员经费"),
        (
            QuantityTemplate("执法案件查处数", "起", 100, 800),
            QuantityTemplate("清理违规广告牌", "块", 200, 3000),
            QuantityTemplate("秩序维护车辆数", "辆", 500, 6000),
        ),
        "负责城市市容秩序管理和综合行政执法",
        "住房城乡建设部",
        ("城市管网及污水处理补助资金", "城镇老旧小区改造补助资金"),
    ),
    Department(
        "水利局",
        ("水利工程管理站", "河道管理所"),
        ("小型水库除险加固项目", "河湖长制工作经费", "农村饮水安全巩固提升工程"),
        (
            QuantityTemplate("除险加固小型水库数量", "座", 2, 20),
            QuantityTemplate("河道巡查次数", "次", 100, 1200),
            QuantityTemplate("新建供水管网长度", "公里", 5, 80),
        ),
        "负责水资源管理、水利工程建设和河湖管护",
        "水利部",
        ("水利发展资金", "水利救灾资金"),
    ),
    Department(
        "交通运输局",
        ("公路建设养护中心", "交通运输综合行政执法大队"),
        ("农村公路养护专项资金", "公交运营补贴", "危桥改造项目"),
        (
            QuantityTemplate("养护农村公路里程", "公里", 50, 600),
            QuantityTemplate("改造危桥数量", "座", 2, 15),
            QuantityTemplate("补贴公交线路条数", "条", 5, 40),
        ),
        "负责公路建设养护和道路运输管理",
        "交通运输部",
        ("车辆购置税收入补助地方资金", "农村公路养护补助资金"),
    ),
    Department(
        "文化和旅游局",
        ("文化馆", "图书馆"),
        ("公共文化服务体系建设经费", "文物保护专项资金", "送戏下乡补助经费"),
        (
            QuantityTemplate("开展群众文化活动场次", "场", 20, 300),
            QuantityTemplate("修缮文物保护单位数量", "处", 1, 12),
            QuantityTemplate("图书馆新增藏书", "册", 2000, 30000),
        ),
        "负责公共文化服务、文物保护和旅游发展",
        "文化和旅游部",
        ("公共文化服务体系建设补助资金", "非物质文化遗产保护资金"),
    ),
)

SOCIAL_BENEFITS: tuple[tuple[str, str, str], ...] = (
    # (name, qualitative target, achieved actual)
    ("群众获得感", "有效提升", "明显提升"),
    ("公共服务水平", "逐步提高", "有所提高"),
    ("社会秩序和环境", "持续改善", "明显改善"),
)
SUSTAINABLE_IMPACTS: tuple[tuple[str, str, str], ...] = (
    ("长效管理机制", "健全完善", "已建立"),
    ("工作制度执行", "持续规范", "执行良好"),
    ("项目持续发挥作用", "长期有效", "效果良好"),
)
SATISFACTIONS: tuple[str, ...] = ("服务对象满意度", "群众满意度", "受益对象满意度")
QUALITY_RATES: tuple[str, ...] = ("验收合格率", "任务完成率", "资金使用合规率", "案件办结率")
TIMELINESS_RATES: tuple[str, ...] = ("资金拨付及时率", "任务按期完成率")
TIMELINESS_DEADLINES: tuple[str, ...] = ("问题整改时限", "资金拨付时限")

PARTIAL_QUALITATIVE_ACTUALS: tuple[str, ...] = ("基本达到", "部分完成", "基本完善")
DEVIATION_REASONS: tuple[str, ...] = (
    "部分工作受天气影响推迟，下一年度加强统筹调度",
    "资金拨付流程较长，下一年度加快预算执行进度",
    "项目前期论证不充分，将加强绩效目标管理",
    "调查样本覆盖不全，后续扩大回访范围",
    "部分任务跨年度实施，已纳入下年度计划",
)
GOALS: tuple[tuple[str, str], ...] = (
    (
        "按计划完成年度工作任务，资金使用规范，群众满意度不断提升",
        "全面完成年度工作任务，资金使用规范，群众满意度达到预期",
    ),
    ("保障各项工作正常运转，提升公共服务质量和效率", "各项工作有序推进，公共服务质量和效率明显提升"),
    (
        "加强资金管理，提高资金使用效益，推动重点工作落地见效",
        "资金管理规范，重点工作按期落地，取得良好社会效益",
    ),
)

# The 资金管理情况 block of the 2024 transfer form: (aspect, remark); remarks only, never indicators.
FUND_MANAGEMENT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("分配科学性", ("按照资金管理办法规定的因素和标准分配资金", "资金分配依据充分，程序规范")),
    ("下达及时性", ("收到上级资金文件后按规定时限分解下达", "资金按时分解下达到项目单位")),
    ("拨付合规性", ("按照国库集中支付制度有关规定拨付资金", "资金拨付手续完备，未发现违规拨付")),
    ("使用规范性", ("按照下达的预算科目和用途使用资金，未发现挤占挪用", "专款专用，未擅自调整用途")),
    ("执行准确性", ("按照下达金额执行，执行数与预算数基本一致", "资金执行进度与计划基本相符")),
    ("预算绩效管理情况", ("将资金纳入本级预算绩效管理，开展绩效监控和自评", "按要求开展绩效目标管理和自评")),
    ("支出责任履行情况", ("按规定落实本级支出责任", "本级支出责任履行到位")),
)
# Who passes a transfer down to the unit in a narrative ("上级财政下达…").
ALLOCATING_BODIES: tuple[str, ...] = ("上级财政", "省财政厅", "市财政局")
# How a narrative says the money was managed (no figures).
FUND_MANAGEMENT_PROSE: tuple[str, ...] = (
    "严格执行资金管理办法，专款专用，资金拨付手续完备，未发现截留、挤占、挪用等问题。",
    "建立资金使用台账，按照国库集中支付制度拨付资金，做到专款专用。",
)

# The older 财政支出项目绩效评价 scorecard (共性指标 framework): 一级 → 二级 → scored criteria, and
# each 一级's points; scored rows carry 分值 and 得分 only.
SCORECARD: tuple[tuple[str, int, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("项目决策", 20, (
        ("项目立项", ("立项依据充分性", "立项程序规范性")),
        ("绩效目标", ("绩效目标合理性", "绩效指标明确性")),
        ("资金投入", ("预算编制科学性", "资金分配合理性")),
    )),
    ("项目过程", 20, (
        ("资金管理", ("资金使用合规性", "财务监控有效性")),
        ("组织实施", ("管理制度健全性", "制度执行有效性")),
    )),
    ("项目产出", 40, (
        ("产出数量", ("实际完成情况",)),
        ("产出质量", ("质量达标情况",)),
        ("产出时效", ("完成及时性",)),
        ("产出成本", ("成本控制情况",)),
    )),
    ("项目效益", 20, (
        ("项目效益", ("社会效益", "可持续影响", "服务对象满意度")),
    )),
)  # fmt: skip
