/**
 * The shape of the seed city, 乌海市 (Wuhai, Inner Mongolia): 3 districts, 20 streets/towns,
 * 70 urban communities and 13 villages (DOMAIN.md "Figures that make it real").
 * District and street/town names follow Wuhai's administrative divisions; community and village
 * names are plausible but illustrative. Coordinates are approximate (lat 39.4–39.8, lng 106.7–106.95).
 */
export interface StreetSpec {
  /** 3-digit suffix of the 9-digit street/town code (towns use 1xx). */
  suffix: string;
  name: string;
  nameEn: string;
  town: boolean;
  communities: number;
  villages: string[];
  lat: number;
  lng: number;
}

export interface DistrictSpec {
  code: string;
  name: string;
  nameEn: string;
  lat: number;
  lng: number;
  /** Relative share of the city's elders living here. */
  elderWeight: number;
  streets: StreetSpec[];
}

export const CITY = { code: '150300', name: '乌海市', nameEn: 'Wuhai', lat: 39.655, lng: 106.794 };

const s = (suffix: string, name: string, nameEn: string, communities: number, lat: number, lng: number, villages: string[] = []): StreetSpec => ({
  suffix,
  name,
  nameEn,
  town: name.endsWith('镇'),
  communities,
  villages,
  lat,
  lng,
});

export const DISTRICTS: DistrictSpec[] = [
  {
    code: '150302',
    name: '海勃湾区',
    nameEn: 'Haibowan District',
    lat: 39.691,
    lng: 106.822,
    elderWeight: 1,
    streets: [
      s('001', '新华街道', 'Xinhua Subdistrict', 6, 39.683, 106.818),
      s('002', '新华西街道', 'Xinhua West Subdistrict', 5, 39.679, 106.796),
      s('003', '海北街道', 'Haibei Subdistrict', 6, 39.712, 106.815),
      s('004', '凤凰岭街道', 'Fenghuangling Subdistrict', 5, 39.668, 106.835),
      s('005', '滨河街道', 'Binhe Subdistrict', 6, 39.657, 106.803),
      s('006', '卡布其街道', 'Kabuqi Subdistrict', 4, 39.736, 106.829),
      s('007', '林荫街道', 'Linyin Subdistrict', 5, 39.699, 106.842),
      s('100', '千里山镇', 'Qianlishan Town', 1, 39.752, 106.873, ['千里沟村', '王元地村', '新丰村']),
    ],
  },
  {
    code: '150303',
    name: '海南区',
    nameEn: 'Hainan District',
    lat: 39.441,
    lng: 106.891,
    elderWeight: 0.9,
    streets: [
      s('001', '西卓子山街道', 'Xizhuozishan Subdistrict', 4, 39.437, 106.884),
      s('002', '公乌素街道', 'Gongwusu Subdistrict', 3, 39.462, 106.905),
      s('003', '赛汗街道', 'Saihan Subdistrict', 3, 39.449, 106.866),
      s('100', '拉僧庙镇', 'Lasengmiao Town', 2, 39.478, 106.928, ['拉僧庙村', '东升村', '赛汗乌素村']),
      s('101', '巴音陶亥镇', 'Bayintaohai Town', 1, 39.418, 106.812, ['巴音陶亥村', '万亩滩村', '海南村', '农丰村']),
    ],
  },
  {
    code: '150304',
    name: '乌达区',
    nameEn: 'Wuda District',
    lat: 39.505,
    lng: 106.726,
    elderWeight: 1,
    streets: [
      s('001', '三道坎街道', 'Sandaokan Subdistrict', 3, 39.498, 106.718),
      s('002', '梁家沟街道', 'Liangjiagou Subdistrict', 3, 39.512, 106.709),
      s('003', '五虎山街道', 'Wuhushan Subdistrict', 3, 39.481, 106.731),
      s('004', '苏海图街道', 'Suhaitu Subdistrict', 3, 39.524, 106.738),
      s('005', '滨海街道', 'Binhai Subdistrict', 3, 39.507, 106.745),
      s('006', '巴音赛街道', 'Bayinsai Subdistrict', 3, 39.492, 106.752),
      s('100', '乌兰淖尔镇', 'Wulannaoer Town', 1, 39.548, 106.716, ['乌兰淖尔村', '苏白音沟村', '新民村']),
    ],
  },
];

/** 70 community names (社区), unique within the city. */
export const COMMUNITY_NAMES = [
  '团结', '幸福', '和平', '友谊', '光明', '胜利', '民主', '建设', '振兴', '繁荣',
  '康乐', '安居', '阳光', '绿洲', '金沙', '银河', '滨湖', '湖畔', '林荫', '凤凰',
  '乌兰', '新风', '新城', '东山', '西山', '北山', '南苑', '北苑', '馨园', '怡园',
  '颐园', '丽苑', '春晖', '朝阳', '兴业', '兴华', '长青', '青山', '长安', '平安',
  '祥和', '欣荣', '锦绣', '安康', '泰和', '福源', '瑞祥', '宁安', '永安', '海达',
  '海湾', '河滨', '黄河', '星光', '龙泉', '金泰', '桃园', '梨园', '育才', '文化',
  '公园', '车站', '矿区', '机电', '电厂', '化工', '工农', '红旗', '向阳', '东风',
].map((n) => `${n}社区`);

/** Common Chinese surnames with rough relative frequencies. */
export const SURNAMES: [string, number][] = [
  ['王', 72], ['李', 70], ['张', 68], ['刘', 54], ['陈', 45], ['杨', 33], ['赵', 20], ['黄', 16], ['周', 14], ['吴', 14],
  ['徐', 12], ['孙', 11], ['胡', 10], ['朱', 10], ['高', 10], ['林', 8], ['何', 8], ['郭', 9], ['马', 9], ['罗', 6],
  ['梁', 6], ['宋', 6], ['郑', 6], ['谢', 5], ['韩', 5], ['唐', 5], ['冯', 5], ['于', 5], ['董', 5], ['萧', 3],
  ['程', 4], ['曹', 4], ['袁', 4], ['邓', 4], ['许', 4], ['傅', 3], ['沈', 3], ['曾', 3], ['彭', 3], ['吕', 3],
  ['苏', 3], ['卢', 3], ['蒋', 3], ['蔡', 3], ['贾', 3], ['丁', 3], ['魏', 3], ['薛', 3], ['叶', 3], ['阎', 3],
  ['余', 2], ['潘', 2], ['杜', 2], ['戴', 2], ['夏', 2], ['钟', 2], ['汪', 2], ['田', 3], ['任', 3], ['姜', 2],
  ['范', 2], ['方', 2], ['石', 2], ['姚', 2], ['谭', 2], ['廖', 2], ['邹', 2], ['熊', 2], ['金', 2], ['陆', 2],
  ['郝', 2], ['孔', 2], ['白', 2], ['崔', 2], ['康', 2], ['毛', 2], ['邱', 2], ['秦', 2], ['江', 2], ['史', 2],
  ['顾', 2], ['侯', 2], ['邵', 2], ['孟', 2], ['龙', 1], ['万', 1], ['段', 2], ['雷', 1], ['钱', 1], ['汤', 1],
  ['尹', 1], ['黎', 1], ['易', 1], ['常', 2], ['武', 2], ['乔', 2], ['贺', 2], ['赖', 1], ['龚', 1], ['文', 1],
  ['乌', 1], ['巴', 1], ['包', 1], ['奇', 1],
];

/** Given names typical of people born 1920–1966. */
export const ELDER_GIVEN_F = [
  '秀英', '桂英', '秀兰', '玉兰', '桂兰', '凤英', '玉珍', '淑珍', '秀珍', '桂芝', '玉梅', '凤兰', '秀云', '兰英', '淑兰',
  '素芬', '翠兰', '金凤', '玉英', '桂珍', '丽华', '淑华', '秀芳', '美兰', '桂香', '春兰', '冬梅', '秀梅', '玉芳', '红梅',
  '桂荣', '玉琴', '淑芬', '凤琴', '秀荣', '玉华', '翠英', '素珍', '英', '兰', '珍', '华', '梅', '芳', '琴',
];
export const ELDER_GIVEN_M = [
  '建国', '建华', '国强', '国华', '志强', '德明', '文华', '振华', '福生', '永祥', '志明', '长青', '德胜', '玉山', '宝山',
  '占山', '振国', '国庆', '建军', '卫国', '和平', '胜利', '解放', '援朝', '新民', '树林', '宝林', '金山', '保国', '有才',
  '德才', '万福', '永安', '国良', '世昌', '明', '军', '伟', '勇', '强', '斌', '忠', '林', '海', '福', '贵', '成', '刚',
];
/** Given names of the next generation (children, staff, workers). */
export const YOUNG_GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞', '平', '刚',
  '海燕', '晓东', '建平', '红霞', '丽娟', '志刚', '海波', '晓梅', '春燕', '永强', '雪梅', '晓燕', '俊峰', '文静', '利军',
];

export const HEALTH_CONDITIONS = [
  '高血压', '糖尿病', '冠心病', '慢性支气管炎', '慢阻肺', '骨关节炎', '腰椎间盘突出', '白内障', '听力下降', '骨质疏松',
  '脑卒中后遗症', '轻度认知障碍', '帕金森病', '慢性胃炎', '痛风', '前列腺增生', '心律不齐', '下肢静脉曲张',
];

export const PROVIDER_BRANDS = [
  '康乐', '福寿', '颐和', '松鹤', '夕阳红', '安康', '孝心', '乐龄', '爱心', '仁和', '春晖', '银龄', '康宁', '福缘', '祥和',
  '鹤年', '如意', '长乐', '百福', '康泰', '天伦', '慈孝', '晚晴', '暖阳', '益康', '恒爱', '幸福里', '金色年华', '乐享', '椿萱',
  '同心', '和顺', '德馨', '嘉禾', '瑞康', '永康', '安然', '寿康', '宁馨', '贴心', '邻里', '家和', '惠民', '众康', '雅居',
];
