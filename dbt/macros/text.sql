{#- Text folding used for ids and comparisons: same unit printed with a stray space, a
    full-width bracket or an ideographic space must give the same unit_id. -#}
{% macro fold_text(expression) -%}
    nullif(
        replace(replace(regexp_replace(coalesce({{ expression }}, ''), '[\s\x{3000}\x{00A0}]+', '', 'g'), '（', '('), '）', ')'),
        ''
    )
{%- endmacro %}

{#- Units as printed: '％' and '%' are the same unit; case and spaces do not matter. -#}
{% macro fold_unit(expression) -%}
    lower(replace({{ fold_text(expression) }}, '％', '%'))
{%- endmacro %}

{#- Latest-first ordering of a report's extractions: the newest extraction wins, run id breaks ties. -#}
{% macro latest_first() -%}
    extracted_at desc nulls last, run_id desc
{%- endmacro %}

{#- unit_key: the unit's name with what varies between years taken out — the region prefix
    (株洲市芦淞区… vs 芦淞区… vs …, the region is part of the key anyway) and a trailing 本级 /
    部门整体 / 机关 qualifier — so "株洲市芦淞区财政局", "芦淞区财政局（本级）" and "芦淞区 财政局"
    of one region are one unit across years.  Falls back to the folded name when stripping
    would leave nothing. -#}
{% macro strip_prefix(expression, prefix) -%}
    case
        when {{ prefix }} is not null and starts_with({{ expression }}, {{ prefix }})
             and length({{ expression }}) > length({{ prefix }})
            then substr({{ expression }}, length({{ prefix }}) + 1)
        else {{ expression }}
    end
{%- endmacro %}

{#- with_unit_keys: the rows of `reports` (a relation or CTE with unit_name, province, city,
    county) plus unit_key and unit_id.
    unit_key = the folded name, qualifier dropped (falling back to the folded name when that
    leaves nothing), then the folded province, city and county prefixes stripped in turn.
    unit_id = md5 of unit_key and the folded region, so the same unit gets the same id in every
    run, every report and every year, whatever spacing, bracket width, region prefix or 本级
    qualifier it was printed with (null when the name folds to nothing).
    One step per CTE rather than one nested expression: nested, each strip_prefix repeats its
    input four times and the SQL grows to 85 kB, whose planning alone took 0.6 s. -#}
{% macro with_unit_keys(reports) -%}
    {%- set qualifier = "'[(]?(本级|部门整体|部门本级|机关本级|单位本级)[)]?$'" -%}
    with folded as (
        select
            *,
            {{ fold_text('unit_name') }} as unit_key_name,
            {{ fold_text('province') }} as unit_key_province,
            {{ fold_text('city') }} as unit_key_city,
            {{ fold_text('county') }} as unit_key_county
        from {{ reports }}
    ),

    unqualified as (
        select
            *,
            coalesce(nullif(regexp_replace(unit_key_name, {{ qualifier }}, ''), ''), unit_key_name) as unit_key_0
        from folded
    ),

    without_province as (
        select *, {{ strip_prefix('unit_key_0', 'unit_key_province') }} as unit_key_1 from unqualified
    ),

    without_city as (
        select *, {{ strip_prefix('unit_key_1', 'unit_key_city') }} as unit_key_2 from without_province
    )

    select
        * exclude (unit_key_name, unit_key_province, unit_key_city, unit_key_county, unit_key_0, unit_key_1, unit_key_2),
        {{ strip_prefix('unit_key_2', 'unit_key_county') }} as unit_key,
        case when nullif(unit_key_name, '') is not null then md5(
            {{ strip_prefix('unit_key_2', 'unit_key_county') }}
            || '|' || coalesce(unit_key_province, '')
            || '|' || coalesce(unit_key_city, '')
            || '|' || coalesce(unit_key_county, '')
        ) end as unit_id
    from without_city
{%- endmacro %}

{#- Indicator taxonomy (财政部 绩效指标体系): 一级 产出/效益/成本/满意度指标, 二级 数量/质量/时效/
    成本, 经济/社会/生态效益, 可持续影响, 服务对象满意度.  Printed variants (产出, 1.产出指标,
    社会效益) map to the canonical name; anything else keeps its folded text. -#}
{% macro strip_numbering(expression) -%}
    regexp_replace({{ fold_text(expression) }}, '^([(]?[0-9一二三四五六七八九十]+[)]?[.、．:：]?|[①-⑳])+', '')
{%- endmacro %}

{% macro indicator_level1(expression) -%}
    {%- set text = strip_numbering(expression) -%}
    case
        when {{ text }} is null or {{ text }} = '' then null
        when {{ text }} like '%产出%' then '产出指标'
        when {{ text }} like '%满意%' then '满意度指标'
        when {{ text }} like '%效益%' or {{ text }} like '%效果%' then '效益指标'
        when {{ text }} like '%成本%' then '成本指标'
        else {{ text }}
    end
{%- endmacro %}

{% macro indicator_level2(expression) -%}
    {%- set text = strip_numbering(expression) -%}
    case
        when {{ text }} is null or {{ text }} = '' then null
        when {{ text }} like '%数量%' then '数量指标'
        when {{ text }} like '%质量%' then '质量指标'
        when {{ text }} like '%时效%' or {{ text }} like '%进度%' then '时效指标'
        when {{ text }} like '%经济成本%' then '经济成本指标'
        when {{ text }} like '%社会成本%' then '社会成本指标'
        when {{ text }} like '%生态%成本%' then '生态环境成本指标'
        when {{ text }} like '%成本%' then '成本指标'
        when {{ text }} like '%经济效益%' then '经济效益指标'
        when {{ text }} like '%社会效益%' then '社会效益指标'
        when {{ text }} like '%生态效益%' then '生态效益指标'
        when {{ text }} like '%可持续%' then '可持续影响指标'
        when {{ text }} like '%满意%' then '服务对象满意度指标'
        else {{ text }}
    end
{%- endmacro %}

{#- The 三级指标 name compared across units: numbering, spaces, bracket width and trailing
    punctuation removed ("1、执法案件查处数：" = "执法案件查处数"). -#}
{% macro indicator_name(expression) -%}
    nullif(regexp_replace({{ strip_numbering(expression) }}, '[:：;；,，.。、]+$', ''), '')
{%- endmacro %}

{#- indicator_key: md5 of the normalised 一级|二级|三级 names; the key of dim_indicator. -#}
{% macro indicator_key(level1, level2, name) -%}
    case when {{ indicator_name(name) }} is not null then md5(
        coalesce({{ indicator_level1(level1) }}, '') || '|' || coalesce({{ indicator_level2(level2) }}, '')
        || '|' || {{ indicator_name(name) }}
    ) end
{%- endmacro %}

{#- How many 万元 one unit of an amount unit is (null for other units): an amount target in
    万元 and an actual in 元 compare after conversion. -#}
{% macro wan_yuan_per_unit(unit) -%}
    case {{ fold_unit(unit) }}
        when '元' then 0.0001
        when '千元' then 0.1
        when '万元' then 1.0
        when '亿元' then 10000.0
    end
{%- endmacro %}
