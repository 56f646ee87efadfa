"""How each per-boot figure of ``tools/bench_boot.py`` grows across the
sizes of one run (fake hosts × servers, rows listed): one row per
figure, one column per size, and the ratio of the largest size to the
smallest."""

#: Services by the prefix of their stats name.
SERVICES = (('API', 'nova-lite-api'), ('conductor', 'nova-lite-conductor'),
            ('scheduler', 'nova-lite-scheduler'),
            ('compute', 'nova-lite-compute'))


def _service(result, prefix, key, phase='single'):
    rows = result['phases'][phase]['by_service']
    return sum(row[key] for name, row in rows.items()
               if name.startswith(prefix))


def _idle(result, prefix):
    return sum(cores for name, cores in result.get('idle_cores', {}).items()
               if name.startswith(prefix))


def figures(result):
    """[(label, value)] of one size's result (None when not measured)."""
    single = result['phases']['single']
    rows = [
        ('servers/s, single-server POSTs', single['servers_per_s']),
        ('servers/s, multi-create', result['phases'].get('multi', {}).get(
            'servers_per_s')),
        ('POST p50 ms', single['post_p50_ms']),
        ('POST p99 ms', single['post_p99_ms']),
        ('select_destinations p50 ms', single.get('select_p50_ms')),
        ('select_destinations p99 ms', single.get('select_p99_ms')),
        ('SQL statements per boot', single['sql_per_boot']),
        ('CPU ms per boot, all services',
         round(single['cpu_s_per_boot'] * 1000, 1)),
    ]
    rows += [('  CPU ms per boot, %s' % label,
              round(_service(result, prefix, 'cpu_s') * 1000, 1))
             for label, prefix in SERVICES]
    rows += [('  SQL per boot, %s' % label,
              round(_service(result, prefix, 'sql'), 2))
             for label, prefix in SERVICES]
    rows += [('idle CPU, cores, %s' % label, round(_idle(result, prefix), 3))
             for label, prefix in SERVICES]
    rows.append(('compute RSS MiB', round(sum(
        rss for name, rss in result['rss_mb'].items()
        if name.startswith('nova-lite-compute')), 1)))
    rows.append(('hosts registered in s', result.get('start_s')))
    rows += [('detail?limit=1000 p50 ms, %s rows' % rows_count, p50)
             for rows_count, p50 in sorted(
                 result['detail_p50_ms'].items(), key=lambda i: int(i[0]))]
    return rows


def size_label(result):
    config = result['config']
    return '%dx%d' % (config['hosts'], config['servers'])


def table(results):
    """The growth table's lines (text) over ``results`` (one per size,
    smallest first)."""
    labels = [size_label(r) for r in results]
    columns = [dict(figures(r)) for r in results]
    names = []
    for result in results:
        for name, _value in figures(result):
            if name not in names:
                names.append(name)
    width = max(len(n) for n in names) + 2
    head = '%-*s' % (width, 'figure (hosts x servers)') + ''.join(
        '%12s' % label for label in labels) + '%10s' % 'growth'
    lines = [head, '-' * len(head)]
    for name in names:
        values = [column.get(name) for column in columns]
        cells = ''.join('%12s' % ('-' if v is None else v) for v in values)
        lines.append('%-*s%s%10s' % (width, name, cells,
                                     _ratio(values[0], values[-1])))
    return lines


def _ratio(first, last):
    if first in (None, 0) or last is None:
        return '-'
    return 'x%.2f' % (last / first)
