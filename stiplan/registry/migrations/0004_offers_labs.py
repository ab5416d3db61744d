"""Labs and their equipment, technology offers and demands (cung – cầu công nghệ)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
        ('registry', '0003_competitions'),
    ]

    operations = [
        migrations.CreateModel(
            name='Lab',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=300, verbose_name='tên phòng thí nghiệm')),
                ('location', models.CharField(max_length=300, verbose_name='địa điểm')),
                ('description', models.TextField(blank=True, verbose_name='mô tả')),
                ('sharing', models.CharField(choices=[('not_shared', 'không chia sẻ'), ('on_request', 'chia sẻ theo yêu cầu'), ('for_fee', 'chia sẻ có thu phí')], default='not_shared', max_length=20, verbose_name='chia sẻ')),
                ('sharing_terms', models.TextField(blank=True, verbose_name='điều kiện chia sẻ')),
                ('synthetic', models.BooleanField(default=False, verbose_name='dữ liệu mô phỏng')),
                ('field', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='labs', to='registry.sciencefield', verbose_name='lĩnh vực')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='labs', to='registry.organisation', verbose_name='tổ chức chủ quản')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orgs.orgunit', verbose_name='đơn vị hành chính')),
            ],
            options={
                'verbose_name': 'phòng thí nghiệm',
                'verbose_name_plural': 'phòng thí nghiệm',
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='TechnologyDemand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=400, verbose_name='tên')),
                ('status', models.CharField(choices=[('draft', 'bản nháp'), ('published', 'đã công bố'), ('withdrawn', 'đã rút')], default='draft', max_length=20, verbose_name='trạng thái')),
                ('contact_name', models.CharField(blank=True, max_length=200, verbose_name='người liên hệ (riêng tư)')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='thư điện tử liên hệ (riêng tư)')),
                ('contact_phone', models.CharField(blank=True, max_length=30, verbose_name='điện thoại liên hệ (riêng tư)')),
                ('created_on', models.DateField(verbose_name='ngày ghi')),
                ('published_on', models.DateField(blank=True, null=True, verbose_name='ngày công bố')),
                ('synthetic', models.BooleanField(default=False, verbose_name='dữ liệu mô phỏng')),
                ('search_text', models.TextField(blank=True, default='', editable=False)),
                ('needs', models.TextField(verbose_name='nhu cầu công nghệ')),
                ('budget_note', models.CharField(blank=True, max_length=300, verbose_name='kinh phí dự kiến')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='technology_demands', to='registry.organisation', verbose_name='doanh nghiệp, tổ chức có nhu cầu')),
                ('field', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.sciencefield', verbose_name='lĩnh vực')),
            ],
            options={
                'verbose_name': 'nhu cầu công nghệ',
                'verbose_name_plural': 'nhu cầu công nghệ',
                'ordering': ['-published_on', '-created_on', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Equipment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=300, verbose_name='tên thiết bị')),
                ('model', models.CharField(blank=True, max_length=200, verbose_name='model, hãng')),
                ('year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='năm đưa vào sử dụng')),
                ('value', models.DecimalField(blank=True, decimal_places=3, max_digits=14, null=True, verbose_name='giá trị (triệu đồng)')),
                ('sharing', models.CharField(choices=[('not_shared', 'không chia sẻ'), ('on_request', 'chia sẻ theo yêu cầu'), ('for_fee', 'chia sẻ có thu phí')], default='not_shared', max_length=20, verbose_name='chia sẻ')),
                ('sharing_terms', models.TextField(blank=True, verbose_name='điều kiện chia sẻ')),
                ('lab', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='equipment', to='registry.lab')),
            ],
            options={
                'verbose_name': 'thiết bị',
                'verbose_name_plural': 'thiết bị',
                'ordering': ['lab', 'name', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('value__isnull', True), ('value__gte', 0), _connector='OR'), name='registry_equipment_value_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='TechnologyOffer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=400, verbose_name='tên')),
                ('status', models.CharField(choices=[('draft', 'bản nháp'), ('published', 'đã công bố'), ('withdrawn', 'đã rút')], default='draft', max_length=20, verbose_name='trạng thái')),
                ('contact_name', models.CharField(blank=True, max_length=200, verbose_name='người liên hệ (riêng tư)')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='thư điện tử liên hệ (riêng tư)')),
                ('contact_phone', models.CharField(blank=True, max_length=30, verbose_name='điện thoại liên hệ (riêng tư)')),
                ('created_on', models.DateField(verbose_name='ngày ghi')),
                ('published_on', models.DateField(blank=True, null=True, verbose_name='ngày công bố')),
                ('synthetic', models.BooleanField(default=False, verbose_name='dữ liệu mô phỏng')),
                ('search_text', models.TextField(blank=True, default='', editable=False)),
                ('summary', models.TextField(verbose_name='tóm tắt công nghệ')),
                ('trl', models.PositiveSmallIntegerField(verbose_name='mức sẵn sàng công nghệ (TRL)')),
                ('transfer_forms', models.JSONField(default=list, verbose_name='hình thức chuyển giao')),
                ('price_note', models.CharField(blank=True, max_length=300, verbose_name='giá, điều kiện tài chính')),
                ('field', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.sciencefield', verbose_name='lĩnh vực')),
                ('ip_asset', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='technology_offers', to='registry.ipasset', verbose_name='tài sản trí tuệ')),
                ('output', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='technology_offers', to='registry.output', verbose_name='từ kết quả')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='technology_offers', to='registry.organisation', verbose_name='tổ chức sở hữu')),
                ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='technology_offers', to='registry.task', verbose_name='từ nhiệm vụ')),
            ],
            options={
                'verbose_name': 'công nghệ chào bán',
                'verbose_name_plural': 'công nghệ chào bán',
                'ordering': ['-published_on', '-created_on', 'pk'],
                'abstract': False,
                'constraints': [models.CheckConstraint(condition=models.Q(('trl__gte', 1), ('trl__lte', 9)), name='registry_offer_trl_1_to_9')],
            },
        ),
    ]
