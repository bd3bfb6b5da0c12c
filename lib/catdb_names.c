// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Japanese display names of UT1 categories: what a Japanese office owner
 * sees in events, mails and the portal. UT1's global_usage has none, so
 * they live here; a category missing from the table shows its English name.
 */
#include <string.h>

#include "lib/catdb.h"

static const struct {
	const char *name;
	const char *ja;
} ja_names[] = {
	{"adult", "アダルト"},
	{"agressif", "過激・差別"},
	{"ai", "AI"},
	{"arjel", "ギャンブル（仏ARJEL認可）"},
	{"associations_religieuses", "宗教団体"},
	{"astrology", "占い"},
	{"audio-video", "動画・音楽"},
	{"bank", "銀行"},
	{"bitcoin", "ビットコイン"},
	{"blog", "ブログ"},
	{"celebrity", "芸能・有名人"},
	{"chat", "チャット"},
	{"child", "子供向け"},
	{"cleaning", "セキュリティ対策"},
	{"cooking", "料理"},
	{"cryptojacking", "不正マイニング"},
	{"dangerous_material", "危険物"},
	{"dating", "出会い系"},
	{"ddos", "DDoS攻撃"},
	{"dialer", "ダイヤラー"},
	{"doh", "DNS over HTTPS"},
	{"download", "ソフトウェアダウンロード"},
	{"drogue", "薬物"},
	{"dynamic-dns", "ダイナミックDNS"},
	{"educational_games", "教育ゲーム"},
	{"fakenews", "フェイクニュース"},
	{"filehosting", "ファイル共有・ストレージ"},
	{"financial", "金融・投資"},
	{"forums", "掲示板・フォーラム"},
	{"gambling", "ギャンブル"},
	{"games", "ゲーム"},
	{"hacking", "ハッキング"},
	{"jobsearch", "求人・転職"},
	{"lingerie", "ランジェリー"},
	{"malware", "マルウェア"},
	{"manga", "漫画"},
	{"marketingware", "マーケティングウェア"},
	{"mixed_adult", "アダルト混在"},
	{"mobile-phone", "携帯電話"},
	{"phishing", "フィッシング"},
	{"press", "ニュース・報道"},
	{"publicite", "広告"},
	{"radio", "ラジオ"},
	{"reaffected", "所有者変更ドメイン"},
	{"redirector", "フィルタ回避"},
	{"remote-control", "リモート操作"},
	{"residential-proxies", "住宅用プロキシ"},
	{"sect", "カルト"},
	{"sexual_education", "性教育"},
	{"shopping", "ショッピング"},
	{"shortener", "短縮URL"},
	{"social_networks", "ソーシャルネットワーク"},
	{"sports", "スポーツ"},
	{"stalkerware", "ストーカーウェア"},
	{"strict_redirector", "フィルタ回避（厳格）"},
	{"strong_redirector", "フィルタ回避（強）"},
	{"translation", "翻訳"},
	{"tricheur", "カンニング"},
	{"update", "ソフトウェア更新"},
	{"vpn", "VPN"},
	{"warez", "違法ソフト"},
	{"webhosting", "ウェブホスティング"},
	{"webmail", "ウェブメール"},
};

const char *catdb_ja_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ja_names) / sizeof(ja_names[0]); i++)
		if (!strcmp(ja_names[i].name, name))
			return ja_names[i].ja;
	return NULL;
}
